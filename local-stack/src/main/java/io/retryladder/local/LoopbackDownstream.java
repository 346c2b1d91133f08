package io.retryladder.local;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP service on 127.0.0.1 whose answers follow a {@link Behavior}, for tests, local runs and
 * benchmarks. It records every call, counts calls in flight, and counts effects: calls answered with
 * a 2xx status, per idempotency key.
 *
 * <p>Delays are served from a scheduler, so a slow answer holds no thread and the service keeps up
 * with many concurrent calls.
 */
public final class LoopbackDownstream implements AutoCloseable {

    /** Header the worker sends with the idempotency key of the operation. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Header the worker sends with the attempt number of the call. */
    public static final String ATTEMPT = "Retry-Attempt";
    /** Header the worker sends with the due time of the attempt, in epoch milliseconds. */
    public static final String DUE_AT_MS = "Retry-Due-At-Ms";

    private static final Logger log = LoggerFactory.getLogger(LoopbackDownstream.class);

    private final HttpServer server;
    private final ExecutorService handlerPool;
    private final ScheduledExecutorService delayScheduler;
    private final boolean recordCalls;
    private volatile Behavior behavior;
    private volatile Consumer<Call> callListener = call -> {};

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> effectsByKey = new ConcurrentHashMap<>();
    private final AtomicLong callCount = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final List<HttpExchange> heldExchanges = Collections.synchronizedList(new ArrayList<>());

    private LoopbackDownstream(int port, Behavior behavior, boolean recordCalls) {
        this.behavior = Objects.requireNonNull(behavior, "behavior");
        this.recordCalls = recordCalls;
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to bind the loopback downstream to 127.0.0.1:" + port, e);
        }
        this.handlerPool = Executors.newFixedThreadPool(8, daemonThreads("downstream-http"));
        this.delayScheduler = Executors.newScheduledThreadPool(2, daemonThreads("downstream-delay"));
        server.setExecutor(handlerPool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a downstream on a free port that records every call. */
    public static LoopbackDownstream start(Behavior behavior) {
        return new LoopbackDownstream(0, behavior, true);
    }

    /**
     * Starts a downstream on {@code port} (0 picks a free one). With {@code recordCalls} false it
     * keeps counts only, for runs with millions of calls; a {@link #onCall listener} still sees each.
     */
    public static LoopbackDownstream start(int port, Behavior behavior, boolean recordCalls) {
        return new LoopbackDownstream(port, behavior, recordCalls);
    }

    /** Returns the base URL, for example {@code http://127.0.0.1:41234}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Replaces the behavior for calls that arrive from now on. */
    public void behavior(Behavior behavior) {
        this.behavior = Objects.requireNonNull(behavior, "behavior");
    }

    /** Calls {@code listener} on a server thread for each call as it arrives. */
    public void onCall(Consumer<Call> listener) {
        this.callListener = Objects.requireNonNull(listener, "listener");
    }

    /** Returns the recorded calls in arrival order; empty when recording is off. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public long callCount() {
        return callCount.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Returns how many calls for {@code idempotencyKey} were answered with a 2xx status. */
    public int effects(String idempotencyKey) {
        AtomicInteger count = effectsByKey.get(idempotencyKey);
        return count == null ? 0 : count.get();
    }

    /** Returns the keys with more than one 2xx answer, which a non-idempotent service would apply twice. */
    public List<String> keysWithDuplicateEffects() {
        List<String> keys = new ArrayList<>();
        effectsByKey.forEach((key, count) -> {
            if (count.get() > 1) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** Returns the number of keys with at least one 2xx answer. */
    public int keysWithEffects() {
        return effectsByKey.size();
    }

    @Override
    public void close() {
        server.stop(0);
        synchronized (heldExchanges) {
            heldExchanges.forEach(HttpExchange::close);
            heldExchanges.clear();
        }
        delayScheduler.shutdownNow();
        handlerPool.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        long arrivedAtMs = System.currentTimeMillis();
        long arrivedAtNanos = System.nanoTime();
        int current = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(current, Math::max);
        callCount.incrementAndGet();
        Call call;
        try {
            call = readCall(exchange, arrivedAtMs, arrivedAtNanos);
        } catch (IOException e) {
            inFlight.decrementAndGet();
            exchange.close();
            return;
        }
        if (recordCalls) {
            calls.add(call);
        }
        callListener.accept(call);
        Response response = behavior.respond(call);
        if (response.neverAnswer()) {
            heldExchanges.add(exchange);
            return;
        }
        if (response.delay().isZero()) {
            complete(exchange, call, response);
        } else {
            delayScheduler.schedule(
                    () -> handlerPool.execute(() -> complete(exchange, call, response)),
                    response.delay().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void complete(HttpExchange exchange, Call call, Response response) {
        boolean counted = true;
        try {
            if (response.closeWithoutAnswer()) {
                return;
            }
            Headers headers = exchange.getResponseHeaders();
            response.headers().forEach(headers::add);
            byte[] body = response.body();
            if (response.status() / 100 == 2 && call.idempotencyKey() != null) {
                effectsByKey
                        .computeIfAbsent(call.idempotencyKey(), key -> new AtomicInteger())
                        .incrementAndGet();
            }
            // The client may start its next call as soon as it reads this response, so this call stops
            // counting as in flight before the response is sent.
            inFlight.decrementAndGet();
            counted = false;
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            log.debug("The client of {} {} went away before the answer: {}", call.method(), call.path(), e.toString());
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
            exchange.close();
        }
    }

    private static Call readCall(HttpExchange exchange, long arrivedAtMs, long arrivedAtNanos) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Headers headers = exchange.getRequestHeaders();
        boolean hasBody = headers.containsKey("Content-Length") || headers.containsKey("Transfer-encoding");
        return new Call(
                arrivedAtMs,
                arrivedAtNanos,
                exchange.getRequestMethod(),
                exchange.getRequestURI().toString(),
                headers.getFirst(IDEMPOTENCY_KEY),
                parseInt(headers.getFirst(ATTEMPT)),
                parseLong(headers.getFirst(DUE_AT_MS)),
                Map.copyOf(headers),
                hasBody ? body : null);
    }

    private static int parseInt(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * One call as the downstream saw it.
     *
     * @param arrivedAtMs wall-clock arrival time in epoch milliseconds
     * @param arrivedAtNanos arrival time from {@link System#nanoTime()}, for rates within one run
     * @param attempt the {@value #ATTEMPT} header, or 0 when absent
     * @param dueAtMs the {@value #DUE_AT_MS} header, or 0 when absent
     * @param headers request headers; names are as the JDK server normalizes them (first letter upper case)
     * @param body the request body, or null when the request had none
     */
    public record Call(
            long arrivedAtMs,
            long arrivedAtNanos,
            String method,
            String path,
            String idempotencyKey,
            int attempt,
            long dueAtMs,
            Map<String, List<String>> headers,
            byte[] body) {

        public String bodyText() {
            return body == null ? null : new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** Decides the answer to each call; called on a server thread, so it must be thread-safe. */
    @FunctionalInterface
    public interface Behavior {
        Response respond(Call call);
    }

    /**
     * An answer to one call.
     *
     * @param delay how long to wait before answering
     * @param closeWithoutAnswer close the connection without answering, as a crashed service would
     * @param neverAnswer hold the call open until the downstream closes
     */
    public record Response(
            int status,
            Duration delay,
            Map<String, String> headers,
            byte[] body,
            boolean closeWithoutAnswer,
            boolean neverAnswer) {

        public Response {
            Objects.requireNonNull(delay, "delay");
            headers = Map.copyOf(headers);
            body = body == null ? new byte[0] : body;
        }

        public static Response status(int status) {
            return new Response(status, Duration.ZERO, Map.of(), null, false, false);
        }

        public static Response ok() {
            return status(200);
        }

        public static Response dropConnection() {
            return new Response(0, Duration.ZERO, Map.of(), null, true, false);
        }

        public static Response never() {
            return new Response(0, Duration.ZERO, Map.of(), null, false, true);
        }

        public Response after(Duration delay) {
            return new Response(status, delay, headers, body, closeWithoutAnswer, neverAnswer);
        }

        public Response withHeader(String name, String value) {
            Map<String, String> copy = new java.util.LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Response(status, delay, copy, body, closeWithoutAnswer, neverAnswer);
        }

        public Response withBody(String text) {
            return new Response(
                    status, delay, headers, text.getBytes(StandardCharsets.UTF_8), closeWithoutAnswer, neverAnswer);
        }
    }
}
