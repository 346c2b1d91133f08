package io.retryladder.envelope;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/** Computes jittered delays for one {@link JitterStrategy}. Thread-safe. */
public final class Jitter {

    private static final int DECORRELATED_GROWTH = 3;

    private final JitterStrategy strategy;

    public Jitter(JitterStrategy strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    public static Jitter ofDefaults() {
        return new Jitter(JitterStrategy.EQUAL);
    }

    public JitterStrategy strategy() {
        return strategy;
    }

    /**
     * Returns the delay before the next attempt from a tier with nominal delay {@code tierDelay}.
     *
     * @param previousDelay the delay the record waited before its previous attempt, or zero; only
     *     {@link JitterStrategy#DECORRELATED} uses it
     */
    public Duration delay(Duration tierDelay, Duration previousDelay) {
        long base = tierDelay.toMillis();
        long min = minMillis(base);
        long max = maxMillis(base, previousDelay.toMillis());
        if (max <= min) {
            return Duration.ofMillis(min);
        }
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(min, max + 1));
    }

    /** Returns the shortest delay this strategy can produce for a tier. */
    public Duration minDelay(Duration tierDelay) {
        return Duration.ofMillis(minMillis(tierDelay.toMillis()));
    }

    /** Returns the longest delay this strategy can produce for a tier, whatever the previous delay. */
    public Duration maxDelay(Duration tierDelay) {
        long base = tierDelay.toMillis();
        return Duration.ofMillis(
                strategy == JitterStrategy.DECORRELATED ? Math.multiplyExact(base, DECORRELATED_GROWTH) : base);
    }

    private long minMillis(long base) {
        return switch (strategy) {
            case NONE, DECORRELATED -> base;
            case FULL -> 0;
            case EQUAL -> base / 2;
        };
    }

    private long maxMillis(long base, long previousMillis) {
        if (strategy != JitterStrategy.DECORRELATED) {
            return base;
        }
        long cap = Math.multiplyExact(base, DECORRELATED_GROWTH);
        long grown = previousMillis <= 0 ? base : Math.multiplyExact(previousMillis, DECORRELATED_GROWTH);
        return Math.min(cap, Math.max(base, grown));
    }

    @Override
    public String toString() {
        return "Jitter[" + strategy + "]";
    }
}
