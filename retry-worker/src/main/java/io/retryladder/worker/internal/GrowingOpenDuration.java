package io.retryladder.worker.internal;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;

/**
 * How long a circuit breaker stays open. It starts at the base duration and grows by a factor each
 * time the breaker opens again without a real recovery in between: when trial calls fail, or when
 * it opens within the reopen window after closing. A later opening starts from the base again.
 */
public final class GrowingOpenDuration implements IntervalFunction {

    private final long baseMs;
    private final long maxMs;
    private final double multiplier;
    private final long reopenWindowMs;
    private final Clock clock;

    private int level;
    private long lastClosedAtMs;
    private boolean halfOpen;
    private volatile long openUntilMs;

    public GrowingOpenDuration(long baseMs, long maxMs, double multiplier, long reopenWindowMs, Clock clock) {
        this.baseMs = baseMs;
        this.maxMs = maxMs;
        this.multiplier = multiplier;
        this.reopenWindowMs = reopenWindowMs;
        this.clock = clock;
    }

    /** Returns the open duration for an opening; Resilience4j calls it each time the breaker opens. */
    @Override
    public synchronized Long apply(Integer attempts) {
        long now = clock.millis();
        boolean trialsFailed = halfOpen;
        halfOpen = false;
        boolean reopenedSoon = lastClosedAtMs > 0 && now - lastClosedAtMs <= reopenWindowMs;
        level = trialsFailed || reopenedSoon ? level + 1 : 0;
        long duration = (long) Math.min(maxMs, baseMs * Math.pow(multiplier, level));
        openUntilMs = now + duration;
        return duration;
    }

    /** Records that the breaker closed, which starts the reopen window. */
    public synchronized void onClosed() {
        lastClosedAtMs = clock.millis();
        halfOpen = false;
    }

    /** Records that the breaker let trial calls through; if it opens next, they failed. */
    public synchronized void onHalfOpen() {
        halfOpen = true;
    }

    /** Returns when the current open period ends, in epoch milliseconds. */
    public long openUntilMs() {
        return openUntilMs;
    }

    synchronized int level() {
        return level;
    }
}
