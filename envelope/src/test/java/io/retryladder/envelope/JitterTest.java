package io.retryladder.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JitterTest {

    private static final Duration TIER = Duration.ofSeconds(4);

    @ParameterizedTest
    @EnumSource(JitterStrategy.class)
    void delaysStayWithinBounds(JitterStrategy strategy) {
        Jitter jitter = new Jitter(strategy);
        Duration previous = Duration.ofSeconds(1);
        for (int i = 0; i < 10_000; i++) {
            Duration delay = jitter.delay(TIER, previous);
            assertThat(delay).isBetween(jitter.minDelay(TIER), jitter.maxDelay(TIER));
            previous = delay;
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = JitterStrategy.class,
            names = {"FULL", "EQUAL", "DECORRELATED"})
    void delaysSpread(JitterStrategy strategy) {
        Jitter jitter = new Jitter(strategy);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        Duration previous = TIER;
        for (int i = 0; i < 10_000; i++) {
            Duration delay = jitter.delay(TIER, previous);
            min = Math.min(min, delay.toMillis());
            max = Math.max(max, delay.toMillis());
            previous = delay;
        }
        assertThat(max - min).as("spread of %s in ms", strategy).isGreaterThan(TIER.toMillis() / 4);
    }

    @org.junit.jupiter.api.Test
    void equalKeepsAtLeastHalf() {
        Jitter jitter = Jitter.ofDefaults();

        assertThat(jitter.strategy()).isEqualTo(JitterStrategy.EQUAL);
        assertThat(jitter.minDelay(TIER)).isEqualTo(Duration.ofSeconds(2));
        assertThat(jitter.maxDelay(TIER)).isEqualTo(TIER);
    }

    @org.junit.jupiter.api.Test
    void decorrelatedNeverBelowTierDelay() {
        Jitter jitter = new Jitter(JitterStrategy.DECORRELATED);

        assertThat(jitter.minDelay(TIER)).isEqualTo(TIER);
        assertThat(jitter.maxDelay(TIER)).isEqualTo(Duration.ofSeconds(12));
        assertThat(jitter.delay(TIER, Duration.ZERO)).isEqualTo(TIER);
    }
}
