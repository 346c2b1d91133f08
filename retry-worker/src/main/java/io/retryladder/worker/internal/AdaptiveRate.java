package io.retryladder.worker.internal;

/**
 * Paces calls to one target at an allowed rate that falls when the target signals overload and
 * climbs back step by step (additive increase, multiplicative decrease).
 *
 * <p>Calls are spaced evenly, one per {@code 1 / rate} seconds with no burst, so the target sees a
 * steady rate rather than bursts at period boundaries. With no cap configured, the
 * rate is unlimited until the first overload signal, and becomes unlimited again once it has climbed
 * back to the rate at which the target first complained. Thread-safe.
 */
public final class AdaptiveRate {

    private static final long SECOND_NANOS = 1_000_000_000L;
    private static final double UNLIMITED = Double.POSITIVE_INFINITY;
    static final int MIN_OVERLOAD_SIGNALS = 3;
    static final long BOOKING_HORIZON_NANOS = SECOND_NANOS;
    static final double MIN_OVERLOAD_PERCENT = 2.0;

    private final double cap;
    private final double floor;
    private final double decreaseFactor;
    private final double increasePercent;

    private double allowed;
    private double ceiling;
    private long nextSlotNanos;
    private long lastDecreaseNanos = Long.MIN_VALUE / 2;
    private long lastIncreaseNanos;
    private long windowStartNanos;
    private int startsInWindow;
    private double startsPerSecond;
    private long completionWindowStartNanos;
    private int completionsInWindow;
    private int overloadsInWindow;

    /**
     * @param capPerSecond most calls per second, or 0 for no cap
     * @param floorPerSecond the allowed rate never falls below this
     */
    public AdaptiveRate(
            double capPerSecond, double floorPerSecond, double decreaseFactor, double increasePercent, long nowNanos) {
        this.cap = capPerSecond > 0 ? capPerSecond : UNLIMITED;
        this.floor = floorPerSecond;
        this.decreaseFactor = decreaseFactor;
        this.increasePercent = increasePercent;
        this.allowed = cap;
        this.ceiling = cap;
        this.lastIncreaseNanos = nowNanos;
        this.windowStartNanos = nowNanos;
        this.completionWindowStartNanos = nowNanos;
        this.nextSlotNanos = nowNanos;
    }

    /**
     * Books the next free slot and returns how many nanoseconds from now it starts: 0 when a call may
     * start at once. A caller that gets a positive wait owns that later slot and must not book again
     * for the same call. A slot further out than {@value #BOOKING_HORIZON_NANOS} ns is not booked,
     * since the rate may have climbed by then: the result is then negative, minus the wait, and the
     * caller asks again later.
     */
    public synchronized long reserve(long nowNanos) {
        climb(nowNanos);
        if (allowed == UNLIMITED) {
            countStart(nowNanos);
            return 0;
        }
        long interval = (long) (SECOND_NANOS / allowed);
        long slot = Math.max(nextSlotNanos, nowNanos);
        if (slot - nowNanos > BOOKING_HORIZON_NANOS) {
            return -(slot - nowNanos);
        }
        nextSlotNanos = slot + interval;
        if (slot > nowNanos) {
            return slot - nowNanos;
        }
        countStart(nowNanos);
        return 0;
    }

    /** Records the start of a call whose slot was booked earlier with {@link #reserve}. */
    public synchronized void startReserved(long nowNanos) {
        countStart(nowNanos);
    }

    /**
     * Records the end of a call and whether the target signalled overload. The allowed rate drops
     * when, within the last second, at least {@value #MIN_OVERLOAD_SIGNALS} calls and at least
     * {@value #MIN_OVERLOAD_PERCENT}% of the calls signalled overload, and at most once per second,
     * so one key that keeps failing with 503 does not slow down every other call to the target.
     */
    public synchronized void onCompletion(boolean overloaded, long nowNanos) {
        if (nowNanos - completionWindowStartNanos >= SECOND_NANOS) {
            completionWindowStartNanos = nowNanos;
            completionsInWindow = 0;
            overloadsInWindow = 0;
        }
        completionsInWindow++;
        if (overloaded) {
            overloadsInWindow++;
        }
        boolean enoughSignals = overloadsInWindow >= MIN_OVERLOAD_SIGNALS
                && overloadsInWindow * 100.0 >= completionsInWindow * MIN_OVERLOAD_PERCENT;
        if (enoughSignals) {
            decrease(nowNanos);
        }
    }

    private void decrease(long nowNanos) {
        if (nowNanos - lastDecreaseNanos < SECOND_NANOS) {
            return;
        }
        double base = allowed;
        if (base == UNLIMITED) {
            base = Math.max(floor, Math.max(startsPerSecond, startsInWindow));
            ceiling = base;
        }
        allowed = Math.max(floor, base * decreaseFactor);
        lastDecreaseNanos = nowNanos;
        lastIncreaseNanos = nowNanos;
    }

    /** Returns the allowed rate in calls per second; infinite when unlimited. */
    public synchronized double allowedPerSecond() {
        return allowed;
    }

    private void climb(long nowNanos) {
        if (allowed >= cap || nowNanos - lastIncreaseNanos < SECOND_NANOS) {
            return;
        }
        long seconds = (nowNanos - lastIncreaseNanos) / SECOND_NANOS;
        lastIncreaseNanos += seconds * SECOND_NANOS;
        allowed += seconds * ceiling * increasePercent / 100.0;
        if (allowed >= ceiling) {
            allowed = cap;
        }
    }

    private void countStart(long nowNanos) {
        if (nowNanos - windowStartNanos >= SECOND_NANOS) {
            startsPerSecond = startsInWindow * (double) SECOND_NANOS / (nowNanos - windowStartNanos);
            windowStartNanos = nowNanos;
            startsInWindow = 0;
        }
        startsInWindow++;
    }
}
