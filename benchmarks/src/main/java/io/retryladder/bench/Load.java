package io.retryladder.bench;

import java.time.Duration;

/**
 * The operations one trial publishes.
 *
 * @param measurement {@code capacity} or {@code burst}
 * @param ratePerSecond the steady publication rate, or 0 to publish every operation at once
 * @param operations how many operations the trial publishes
 */
public record Load(String measurement, double ratePerSecond, int operations) {

    public static Load steady(double ratePerSecond, Duration duration) {
        return new Load("capacity", ratePerSecond, (int) Math.round(ratePerSecond * duration.toMillis() / 1000.0));
    }

    public static Load burst(int operations) {
        return new Load("burst", 0, operations);
    }

    /** Returns how long publishing should take: the step duration, or zero for a burst. */
    public Duration nominalDuration() {
        return ratePerSecond <= 0 ? Duration.ZERO : Duration.ofMillis(Math.round(operations * 1000.0 / ratePerSecond));
    }
}
