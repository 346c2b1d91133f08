package io.retryladder.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveRateTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    @Test
    void burstOfCallsSpacedEvenly() {
        AdaptiveRate rate = new AdaptiveRate(100, 1, 0.5, 5, 0);

        for (int i = 0; i < 100; i++) {
            assertThat(rate.reserve(0)).as("slot of call %d", i).isEqualTo(i * 10 * MS);
        }
    }

    @Test
    void idleRateAllowsNoBurst() {
        AdaptiveRate rate = new AdaptiveRate(10, 1, 0.5, 5, 0);
        rate.reserve(0);

        long now = 5 * SECOND;

        assertThat(rate.reserve(now)).isZero();
        assertThat(rate.reserve(now)).isEqualTo(100 * MS);
    }

    @Test
    void slotBeyondHorizonNotBooked() {
        AdaptiveRate rate = new AdaptiveRate(2, 1, 0.5, 5, 0);

        assertThat(rate.reserve(0)).isZero();
        assertThat(rate.reserve(0)).isEqualTo(500 * MS);
        assertThat(rate.reserve(0)).isEqualTo(1000 * MS);
        assertThat(rate.reserve(0)).as("1.5 s ahead is past the horizon").isEqualTo(-1500 * MS);
        assertThat(rate.reserve(0)).as("nothing was booked by the refused call").isEqualTo(-1500 * MS);
    }

    @Test
    void singleOverloadSignalKeepsRate() {
        AdaptiveRate rate = new AdaptiveRate(100, 1, 0.5, 5, 0);

        rate.onCompletion(true, 10 * MS);

        assertThat(rate.allowedPerSecond()).isEqualTo(100.0);
    }

    @Test
    void repeatedOverloadHalvesRateOncePerSecond() {
        AdaptiveRate rate = new AdaptiveRate(100, 1, 0.5, 5, 0);

        for (int i = 0; i < 20; i++) {
            rate.onCompletion(true, (10 + i) * MS);
        }

        assertThat(rate.allowedPerSecond()).isEqualTo(50.0);
    }

    @Test
    void rateClimbsBackAdditively() {
        AdaptiveRate rate = new AdaptiveRate(100, 1, 0.5, 5, 0);
        for (int i = 0; i < 5; i++) {
            rate.onCompletion(true, i * MS);
        }
        assertThat(rate.allowedPerSecond()).isEqualTo(50.0);

        long decreasedAt = 2 * MS;
        rate.reserve(decreasedAt + 3 * SECOND);

        assertThat(rate.allowedPerSecond()).as("50 + 3 s * 5% of 100").isEqualTo(65.0);

        rate.reserve(20 * SECOND);

        assertThat(rate.allowedPerSecond()).as("never above the cap").isEqualTo(100.0);
    }

    @Test
    void uncappedRateLimitsOnlyAfterOverload() {
        AdaptiveRate rate = new AdaptiveRate(0, 1, 0.5, 10, 0);
        assertThat(rate.allowedPerSecond()).isInfinite();
        for (long now = 0; now < 2 * SECOND; now += 5 * MS) {
            rate.reserve(now);
        }

        for (int i = 0; i < 5; i++) {
            rate.onCompletion(true, 2 * SECOND + i * MS);
        }

        assertThat(rate.allowedPerSecond()).as("half of the 200 calls/s seen").isBetween(90.0, 110.0);

        rate.reserve(20 * SECOND);

        assertThat(rate.allowedPerSecond())
                .as("unlimited again once it climbed back")
                .isInfinite();
    }

    @Test
    void rateNeverFallsBelowFloor() {
        AdaptiveRate rate = new AdaptiveRate(10, 4, 0.5, 5, 0);

        for (int second = 0; second < 5; second++) {
            for (int i = 0; i < 5; i++) {
                rate.onCompletion(true, second * SECOND + i * MS);
            }
        }

        assertThat(rate.allowedPerSecond()).isEqualTo(4.0);
    }
}
