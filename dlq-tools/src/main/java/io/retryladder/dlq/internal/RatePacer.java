package io.retryladder.dlq.internal;

/**
 * Spaces out events so that their rate stays at or below a cap: each event starts at least
 * {@code 1 / rate} seconds after the previous one. An event that comes late, for example after a
 * slow commit, does not let the following ones catch up in a burst.
 */
public final class RatePacer {

    private final long intervalNanos;
    private long nextNanos;
    private boolean started;

    /** @param perSecond the most events per second, or 0 for no cap */
    public RatePacer(double perSecond) {
        if (perSecond < 0 || Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException(
                    "The rate must be a positive number of records per second or 0 for no" + " cap, got " + perSecond);
        }
        this.intervalNanos = perSecond == 0 ? 0 : Math.max(1, (long) (1e9 / perSecond));
    }

    /** Returns how long the next {@link #acquire()} would wait from now, in nanoseconds. */
    public long nanosUntilNext() {
        if (intervalNanos == 0 || !started) {
            return 0;
        }
        return Math.max(0, nextNanos - System.nanoTime());
    }

    /**
     * Waits until the next event may start.
     *
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        if (started && nextNanos > now) {
            long waitNanos = nextNanos - now;
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            now = nextNanos;
        }
        started = true;
        nextNanos = now + intervalNanos;
    }
}
