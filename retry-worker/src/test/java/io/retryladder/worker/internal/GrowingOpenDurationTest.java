package io.retryladder.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class GrowingOpenDurationTest {

    private final MutableClock clock = new MutableClock();
    private final GrowingOpenDuration duration = new GrowingOpenDuration(1000, 8000, 2.0, 60_000, clock);

    @Test
    void firstOpeningUsesBase() {
        assertThat(duration.apply(1)).isEqualTo(1000);
        assertThat(duration.openUntilMs()).isEqualTo(clock.millis() + 1000);
    }

    @Test
    void failedTrialsGrowDurationUpToMax() {
        duration.apply(1);
        long[] expected = {2000, 4000, 8000, 8000};
        for (long want : expected) {
            duration.onHalfOpen();
            assertThat(duration.apply(1)).isEqualTo(want);
        }
    }

    @Test
    void reopeningSoonAfterClosingGrows() {
        duration.apply(1);
        duration.onHalfOpen();
        duration.onClosed();
        clock.advance(10_000);

        assertThat(duration.apply(1)).isEqualTo(2000);
    }

    @Test
    void reopeningLaterStartsOver() {
        duration.apply(1);
        duration.onHalfOpen();
        duration.apply(1);
        duration.onHalfOpen();
        duration.onClosed();
        clock.advance(61_000);

        assertThat(duration.apply(1)).isEqualTo(1000);
    }

    private static final class MutableClock extends Clock {
        private long millis = 1_000_000;

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
