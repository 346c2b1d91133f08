package io.retryladder.worker.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.config.StatusRanges;
import io.retryladder.worker.AttemptRequest;
import io.retryladder.worker.AttemptResult;
import io.retryladder.worker.OperationHandler;
import io.retryladder.worker.RetryWorkerConfig;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts attempts for every task of one worker process: it holds the per-target gates, the bound on
 * calls in flight, and the HTTP and custom handlers. Thread-safe.
 */
public final class CallDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallDispatcher.class);

    /** What happened to a request to start an attempt. */
    public enum StartStatus {
        STARTED,
        BREAKER_OPEN,
        TARGET_BUSY,
        PACED,
        PACED_UNBOOKED,
        WORKER_BUSY,
        DRAINING
    }

    /**
     * @param waitMs for PACED and BREAKER_OPEN, how long until the target may admit the call
     */
    public record Start(StartStatus status, long waitMs) {}

    private final RetryWorkerConfig config;
    private final HttpAttemptHandler http;
    private final HandlerRegistry handlers;
    private final Clock clock;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final ConcurrentMap<Target, TargetGate> gates = new ConcurrentHashMap<>();
    private final StatusRanges breakerStatuses;
    private final WorkerMetrics metrics;
    private volatile boolean draining;

    public CallDispatcher(
            RetryWorkerConfig config,
            HttpAttemptHandler http,
            HandlerRegistry handlers,
            WorkerMetrics metrics,
            Clock clock) {
        this.config = config;
        this.http = http;
        this.handlers = handlers;
        this.metrics = metrics;
        this.clock = clock;
        this.maxInFlight = config.getInt(RetryWorkerConfig.MAX_IN_FLIGHT);
        this.inFlight = new Semaphore(maxInFlight);
        this.breakerStatuses = StatusRanges.parse(
                RetryWorkerConfig.BREAKER_FAILURE_STATUSES, config.getList(RetryWorkerConfig.BREAKER_FAILURE_STATUSES));
    }

    /**
     * Starts attempt number {@code attempt} of {@code operation} unless its target or this worker
     * cannot take it now; {@code onDone} runs on an HTTP client or handler thread with the result.
     *
     * @param slotReserved whether an earlier PACED answer already booked a rate slot for this call
     */
    public Start tryStart(
            FailedOperation operation,
            int attempt,
            long dueAtMs,
            boolean slotReserved,
            Consumer<AttemptResult> onDone) {
        if (draining) {
            return new Start(StartStatus.DRAINING, 0);
        }
        if (!inFlight.tryAcquire()) {
            return new Start(StartStatus.WORKER_BUSY, 0);
        }
        TargetGate gate = gate(Target.of(operation));
        TargetGate.Admission admission = gate.tryAdmit(clock.millis(), System.nanoTime(), slotReserved);
        switch (admission.verdict()) {
            case ADMITTED:
                break;
            case BREAKER_OPEN:
                inFlight.release();
                metrics.callRejected(gate.target(), "breaker_open");
                return new Start(StartStatus.BREAKER_OPEN, admission.waitMs());
            case BUSY:
                inFlight.release();
                metrics.callRejected(gate.target(), "target_busy");
                return new Start(StartStatus.TARGET_BUSY, 0);
            case PACED:
                inFlight.release();
                return new Start(StartStatus.PACED, admission.waitMs());
            case PACED_UNBOOKED:
            default:
                inFlight.release();
                return new Start(StartStatus.PACED_UNBOOKED, admission.waitMs());
        }
        long startNanos = System.nanoTime();
        CompletionStage<AttemptResult> call;
        try {
            call = call(operation, attempt, dueAtMs);
        } catch (RuntimeException e) {
            call = CompletableFuture.completedFuture(
                    AttemptResult.retryable(ErrorKind.HANDLER_ERROR, "the handler failed to start the call: " + e));
        }
        call.whenComplete((result, error) -> {
            AttemptResult outcome = error == null && result != null
                    ? result
                    : AttemptResult.retryable(ErrorKind.HANDLER_ERROR, "the handler failed: " + error);
            inFlight.release();
            gate.onComplete(outcome, System.nanoTime() - startNanos);
            onDone.accept(outcome);
        });
        return new Start(StartStatus.STARTED, 0);
    }

    /** Stops starting new attempts, for shutdown. */
    public void drain() {
        draining = true;
    }

    /** Stops the HTTP client's threads. Call it after the calls in flight have ended or been handed back. */
    @Override
    public void close() {
        http.close();
    }

    public boolean isDraining() {
        return draining;
    }

    /** Returns the number of calls in flight in this process. */
    public int callsInFlight() {
        return maxInFlight - inFlight.availablePermits();
    }

    public Collection<TargetGate> gates() {
        return gates.values();
    }

    /**
     * Returns whether at least one target is known and every known target's breaker is open. A
     * half-open breaker does not count: its trial calls need records to try.
     */
    public boolean everyTargetOpen() {
        if (gates.isEmpty()) {
            return false;
        }
        for (TargetGate gate : gates.values()) {
            if (gate.breakerState() != CircuitBreaker.State.OPEN) {
                return false;
            }
        }
        return true;
    }

    private CompletionStage<AttemptResult> call(FailedOperation operation, int attempt, long dueAtMs) {
        Object request = operation.getRequest();
        if (request instanceof HttpRequest) {
            return http.attempt(operation, attempt, dueAtMs);
        }
        CustomOperation custom = (CustomOperation) request;
        OperationHandler handler = handlers.forType(custom.getType());
        if (handler == null) {
            return CompletableFuture.completedFuture(AttemptResult.nonRetryable(
                    ErrorKind.INVALID_OPERATION,
                    "no handler for operation type '" + custom.getType() + "' on this worker; put a jar with an"
                            + " OperationHandler for it on the worker's class path and replay the dead letter"));
        }
        ByteBuffer payload = custom.getPayload();
        byte[] bytes = null;
        if (payload != null) {
            ByteBuffer view = payload.duplicate();
            bytes = new byte[view.remaining()];
            view.get(bytes);
        }
        return handler.attempt(new AttemptRequest(
                operation.getIdempotencyKey(),
                operation.getOperationId(),
                custom.getType(),
                bytes,
                attempt,
                Instant.ofEpochMilli(dueAtMs)));
    }

    TargetGate gate(Target target) {
        return gates.computeIfAbsent(target, this::newGate);
    }

    private TargetGate newGate(Target target) {
        GrowingOpenDuration openDuration = new GrowingOpenDuration(
                config.getLong(RetryWorkerConfig.BREAKER_OPEN_DURATION_MS),
                config.getLong(RetryWorkerConfig.BREAKER_OPEN_DURATION_MAX_MS),
                config.getDouble(RetryWorkerConfig.BREAKER_OPEN_DURATION_MULTIPLIER),
                config.getLong(RetryWorkerConfig.BREAKER_REOPEN_WINDOW_MS),
                clock);
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.getInt(RetryWorkerConfig.BREAKER_WINDOW_CALLS))
                .minimumNumberOfCalls(config.getInt(RetryWorkerConfig.BREAKER_MINIMUM_CALLS))
                .failureRateThreshold(config.getInt(RetryWorkerConfig.BREAKER_FAILURE_RATE_THRESHOLD))
                .slowCallRateThreshold(config.getInt(RetryWorkerConfig.BREAKER_SLOW_CALL_RATE_THRESHOLD))
                .slowCallDurationThreshold(
                        Duration.ofMillis(config.getLong(RetryWorkerConfig.BREAKER_SLOW_CALL_DURATION_MS)))
                .permittedNumberOfCallsInHalfOpenState(config.getInt(RetryWorkerConfig.BREAKER_HALF_OPEN_CALLS))
                .waitIntervalFunctionInOpenState(openDuration)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build();
        CircuitBreaker breaker = CircuitBreaker.of(target.name(), breakerConfig);
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            if (transition.getToState() == CircuitBreaker.State.CLOSED) {
                openDuration.onClosed();
            }
            if (transition.getToState() == CircuitBreaker.State.HALF_OPEN) {
                openDuration.onHalfOpen();
            }
            if (transition.getToState() == CircuitBreaker.State.OPEN) {
                log.warn(
                        "Circuit breaker of {} changed from {} to OPEN for {} ms: failure rate {}%, slow-call rate {}%",
                        target,
                        transition.getFromState(),
                        openDuration.openUntilMs() - clock.millis(),
                        breaker.getMetrics().getFailureRate(),
                        breaker.getMetrics().getSlowCallRate());
            } else {
                log.info(
                        "Circuit breaker of {} changed from {} to {}",
                        target,
                        transition.getFromState(),
                        transition.getToState());
            }
            metrics.breakerTransition(target, transition.getToState());
        });
        Bulkhead bulkhead = Bulkhead.of(
                target.name(),
                BulkheadConfig.custom()
                        .maxConcurrentCalls(config.getInt(RetryWorkerConfig.TARGET_MAX_CONCURRENCY))
                        .maxWaitDuration(Duration.ZERO)
                        .build());
        AdaptiveRate rate = new AdaptiveRate(
                config.getDouble(RetryWorkerConfig.TARGET_MAX_RATE),
                config.getDouble(RetryWorkerConfig.TARGET_MIN_RATE),
                config.getDouble(RetryWorkerConfig.TARGET_RATE_DECREASE_FACTOR),
                config.getDouble(RetryWorkerConfig.TARGET_RATE_INCREASE_PERCENT),
                System.nanoTime());
        TargetGate gate = new TargetGate(target, breaker, openDuration, bulkhead, rate, breakerStatuses);
        metrics.registerTarget(gate);
        return gate;
    }
}
