package io.retryladder.run;

import io.retryladder.producer.CallResult;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the downstream through {@link RetryPublisher#call}, as a service that uses the producer
 * library would: the publisher makes the first call and publishes it to the first tier when it
 * fails in a retryable way. Calls are spread evenly over the load duration, each with a unique
 * idempotency key, and at most {@value #MAX_IN_FLIGHT} are in flight at once, so a slow downstream
 * makes the load fall behind its schedule rather than pile up calls.
 */
final class LoadGenerator implements AutoCloseable {

    static final int MAX_IN_FLIGHT = 2_000;
    /** First calls slower than this are counted as slow in {@link LoadProgress#slowFirstCalls}. */
    static final long SLOW_FIRST_CALL_MS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);

    private final RetryPublisher publisher;
    private final String url;
    private final String keyPrefix;
    private final int operations;
    private final long intervalNanos;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong succeededAtFirstCall = new AtomicLong();
    private final AtomicLong notRetryable = new AtomicLong();
    private final AtomicLong maxFirstCallMs = new AtomicLong();
    private final AtomicLong slowFirstCalls = new AtomicLong();
    /** For each published key, how its first call failed, such as "HTTP 503" or "TIMEOUT failure". */
    private final Map<String, String> published = new ConcurrentHashMap<>();

    private final Map<String, String> failedKeys = new ConcurrentHashMap<>();
    private final Thread pacer;
    private volatile boolean stopped;
    private volatile long finishedAtNanos;

    /**
     * @param downstream base URL of the downstream; every call is a POST to its {@code /orders} path
     * @param keyPrefix start of every idempotency key, which ends with the operation's number
     */
    LoadGenerator(RetryPublisher publisher, URI downstream, String keyPrefix, int operations, Duration spread) {
        this.publisher = publisher;
        this.url = downstream.toString().replaceAll("/+$", "") + "/orders";
        this.keyPrefix = keyPrefix;
        this.operations = operations;
        this.intervalNanos = spread.toNanos() / operations;
        this.pacer = new Thread(this::callAll, "load-generator");
        pacer.setDaemon(true);
    }

    /** Starts making calls on a thread of its own. */
    void start() {
        pacer.start();
    }

    /** Returns whether every call was made and its outcome is known. */
    boolean finished() {
        return finishedAtNanos != 0;
    }

    /** Returns the {@link System#nanoTime} at which the last outcome became known, or 0 before. */
    long finishedAtNanos() {
        return finishedAtNanos;
    }

    /**
     * Returns the keys whose first call failed retryably and which Kafka acknowledged in the first
     * tier, each with how its first call failed, such as "HTTP 503" or "TIMEOUT failure".
     */
    Map<String, String> published() {
        return Map.copyOf(published);
    }

    /** Returns the keys whose call or publication failed, with the error; none of them entered the pipeline. */
    Map<String, String> failedKeys() {
        return Map.copyOf(failedKeys);
    }

    LoadProgress progress() {
        return new LoadProgress(
                operations,
                started.get(),
                succeededAtFirstCall.get(),
                notRetryable.get(),
                published.size(),
                failedKeys.size(),
                MAX_IN_FLIGHT - inFlight.availablePermits(),
                maxFirstCallMs.get(),
                slowFirstCalls.get());
    }

    /** Stops making new calls; calls in flight still complete. */
    @Override
    public void close() {
        stopped = true;
        pacer.interrupt();
    }

    static String key(String keyPrefix, int number) {
        return String.format(Locale.ROOT, "%s-%07d", keyPrefix, number);
    }

    private void callAll() {
        long startNanos = System.nanoTime();
        try {
            for (int i = 0; i < operations && !stopped; i++) {
                waitUntil(startNanos + i * intervalNanos);
                inFlight.acquire();
                call(key(keyPrefix, i + 1));
            }
            inFlight.acquire(MAX_IN_FLIGHT);
            inFlight.release(MAX_IN_FLIGHT);
            finishedAtNanos = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void call(String key) {
        started.incrementAndGet();
        Operation operation = Operation.http("POST", url)
                .idempotencyKey(key)
                .header("Content-Type", "application/json")
                .body("{\"order\":\"" + key + "\"}")
                .build();
        long startNanos = System.nanoTime();
        CompletableFuture<CallResult> result;
        try {
            result = publisher.call(operation);
        } catch (RuntimeException e) {
            fail(key, e);
            inFlight.release();
            return;
        }
        result.whenComplete((outcome, error) -> {
            try {
                recordDuration(startNanos);
                if (error != null) {
                    fail(key, error);
                } else {
                    record(key, outcome);
                }
            } finally {
                inFlight.release();
            }
        });
    }

    /** Records how long a first call took, publication included when it failed. */
    private void recordDuration(long startNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        maxFirstCallMs.accumulateAndGet(millis, Math::max);
        if (millis > SLOW_FIRST_CALL_MS) {
            slowFirstCalls.incrementAndGet();
        }
    }

    private void record(String key, CallResult result) {
        switch (result.outcome()) {
            case SUCCEEDED -> succeededAtFirstCall.incrementAndGet();
            case NOT_RETRYABLE -> notRetryable.incrementAndGet();
            case PUBLISHED -> published.put(key, result.failure().describe());
        }
    }

    private void fail(String key, Throwable error) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        failedKeys.put(key, cause.toString());
        log.error("Key {} was neither completed nor published by the publisher", key, cause);
    }

    private static void waitUntil(long deadlineNanos) throws InterruptedException {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
            if (Thread.interrupted()) {
                throw new InterruptedException("The load generator was stopped");
            }
        }
    }

    /**
     * Counts of the load so far.
     *
     * @param started calls made
     * @param succeededAtFirstCall calls whose first call got a response below 400; nothing was published
     * @param notRetryable calls whose first call failed in a way not worth retrying; nothing was published
     * @param published calls published to the first tier after a retryable failure
     * @param failed calls neither completed nor published, for example because Kafka did not acknowledge
     * @param inFlight calls whose outcome is not known yet
     * @param maxFirstCallMs longest first call so far, publication included, in milliseconds
     * @param slowFirstCalls first calls that took longer than {@value #SLOW_FIRST_CALL_MS} ms
     */
    record LoadProgress(
            int operations,
            long started,
            long succeededAtFirstCall,
            long notRetryable,
            long published,
            long failed,
            int inFlight,
            long maxFirstCallMs,
            long slowFirstCalls) {}
}
