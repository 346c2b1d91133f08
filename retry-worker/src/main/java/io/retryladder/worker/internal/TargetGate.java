package io.retryladder.worker.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.retryladder.envelope.config.StatusRanges;
import io.retryladder.worker.AttemptResult;
import java.util.concurrent.TimeUnit;

/**
 * Admission to one target: its circuit breaker, its cap on concurrent calls and its adaptive rate.
 * A call may start only when all three agree; every admitted call must end with
 * {@link #onComplete} or {@link #abandon}.
 */
public final class TargetGate {

    /** Why a call may not start now. */
    public enum Verdict {
        ADMITTED,
        /** The breaker is open, or half-open with its trial calls taken. */
        BREAKER_OPEN,
        /** The target has its maximum number of calls in flight. */
        BUSY,
        /** The target's rate booked a slot for this call after the returned wait. */
        PACED,
        /** The target's rate has no slot for this call soon; ask again after the returned wait. */
        PACED_UNBOOKED
    }

    /**
     * @param waitMs for {@link Verdict#PACED} the wait until the next slot, for
     *     {@link Verdict#BREAKER_OPEN} the time until the breaker admits trial calls
     */
    public record Admission(Verdict verdict, long waitMs) {}

    private final Target target;
    private final CircuitBreaker breaker;
    private final GrowingOpenDuration openDuration;
    private final Bulkhead bulkhead;
    private final AdaptiveRate rate;
    private final StatusRanges breakerStatuses;

    public TargetGate(
            Target target,
            CircuitBreaker breaker,
            GrowingOpenDuration openDuration,
            Bulkhead bulkhead,
            AdaptiveRate rate,
            StatusRanges breakerStatuses) {
        this.target = target;
        this.breaker = breaker;
        this.openDuration = openDuration;
        this.bulkhead = bulkhead;
        this.rate = rate;
        this.breakerStatuses = breakerStatuses;
    }

    /**
     * Asks to start a call now.
     *
     * @param slotReserved whether the call holds a rate slot booked by an earlier {@link Verdict#PACED}
     *     answer; such a call skips the rate check
     */
    public Admission tryAdmit(long nowMs, long nowNanos, boolean slotReserved) {
        if (!breaker.tryAcquirePermission()) {
            long untilOpenEnds = Math.max(0, openDuration.openUntilMs() - nowMs);
            return new Admission(Verdict.BREAKER_OPEN, untilOpenEnds);
        }
        if (!bulkhead.tryAcquirePermission()) {
            breaker.releasePermission();
            return new Admission(Verdict.BUSY, 0);
        }
        if (slotReserved) {
            rate.startReserved(nowNanos);
            return new Admission(Verdict.ADMITTED, 0);
        }
        long waitNanos = rate.reserve(nowNanos);
        if (waitNanos != 0) {
            bulkhead.onComplete();
            breaker.releasePermission();
            boolean booked = waitNanos > 0;
            long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.abs(waitNanos)));
            return new Admission(
                    booked ? Verdict.PACED : Verdict.PACED_UNBOOKED,
                    booked
                            ? waitMs
                            : Math.min(waitMs, TimeUnit.NANOSECONDS.toMillis(AdaptiveRate.BOOKING_HORIZON_NANOS)));
        }
        return new Admission(Verdict.ADMITTED, 0);
    }

    /** Records the result of an admitted call that was made. */
    public void onComplete(AttemptResult result, long durationNanos) {
        bulkhead.onComplete();
        if (result.countsAsTargetFailure(breakerStatuses)) {
            breaker.onError(durationNanos, TimeUnit.NANOSECONDS, new TargetFailure(result.message()));
        } else {
            breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
        }
        rate.onCompletion(result.overloaded(), System.nanoTime());
    }

    /** Gives back an admission whose call was never made. */
    public void abandon() {
        bulkhead.onComplete();
        breaker.releasePermission();
    }

    public Target target() {
        return target;
    }

    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /** Returns whether the breaker currently keeps calls away, open or half-open. */
    public boolean isOpen() {
        CircuitBreaker.State state = breaker.getState();
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.HALF_OPEN;
    }

    public double allowedRatePerSecond() {
        return rate.allowedPerSecond();
    }

    public int callsInFlight() {
        return bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
                - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The failure recorded by the breaker; its message is the attempt's error text. */
    static final class TargetFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TargetFailure(String message) {
            super(message, null, false, false);
        }
    }
}
