package io.retryladder.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.retryladder.run.DownstreamScript.Cause;
import io.retryladder.run.DownstreamScript.Decision;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class DownstreamScriptTest {

    private static final Duration RUNNING = Duration.ofSeconds(1);
    private static final DoubleSupplier NEVER_FAILS = () -> 0.999_999;

    @Test
    void failureRateFailsThatShareOfCalls() {
        DownstreamScript script = script(0.2, 0, Duration.ZERO, Duration.ZERO);
        SplittableRandom random = new SplittableRandom(42);
        int calls = 20_000;
        int failed = 0;
        for (int i = 0; i < calls; i++) {
            Decision decision = script.decide("key-" + i, RUNNING, random::nextDouble);
            if (decision.cause() == Cause.FAILURE_RATE) {
                failed++;
                assertThat(decision.status()).isEqualTo(500);
            }
        }
        assertThat(failed / (double) calls).isCloseTo(0.2, within(0.015));
    }

    @Test
    void failureRateOfZeroAndOne() {
        DownstreamScript never = script(0, 0, Duration.ZERO, Duration.ZERO);
        DownstreamScript always = script(1, 0, Duration.ZERO, Duration.ZERO);
        SplittableRandom random = new SplittableRandom(7);

        for (int i = 0; i < 1_000; i++) {
            assertThat(never.decide("k" + i, RUNNING, random::nextDouble).status())
                    .isEqualTo(200);
            assertThat(always.decide("k" + i, RUNNING, random::nextDouble).status())
                    .isEqualTo(500);
        }
    }

    @Test
    void outageWindowReturns503() {
        DownstreamScript script = script(0, 0, Duration.ofSeconds(10), Duration.ofSeconds(5));

        assertThat(statusAt(script, Duration.ofMillis(9_999))).isEqualTo(200);
        assertThat(statusAt(script, Duration.ofSeconds(10))).isEqualTo(503);
        assertThat(statusAt(script, Duration.ofMillis(14_999))).isEqualTo(503);
        assertThat(statusAt(script, Duration.ofSeconds(15))).isEqualTo(200);
        assertThat(statusAt(script, Duration.ofMinutes(10))).isEqualTo(200);
    }

    @Test
    void outageAtZeroExcludesPreRunTime() {
        DownstreamScript script = script(0, 0, Duration.ZERO, Duration.ofSeconds(5));

        assertThat(statusAt(script, Duration.ofMillis(-1))).isEqualTo(200);
        assertThat(statusAt(script, Duration.ZERO)).isEqualTo(503);
    }

    @Test
    void zeroOutageDurationMeansNoOutage() {
        DownstreamScript script = script(0, 0, Duration.ZERO, Duration.ZERO);

        assertThat(script.inOutage(Duration.ZERO)).isFalse();
        assertThat(script.inOutage(Duration.ofHours(1))).isFalse();
    }

    @Test
    void outageComesBeforeFailuresAndNonRetryableKeys() {
        DownstreamScript script = script(1, 1, Duration.ZERO, Duration.ofSeconds(5));

        Decision decision = script.decide("any-key", Duration.ofSeconds(1), () -> 0.0);

        assertThat(decision.status()).isEqualTo(503);
        assertThat(decision.cause()).isEqualTo(Cause.OUTAGE);
    }

    @Test
    void nonRetryableShareIsStableByKey() {
        DownstreamScript script = script(0, 0.1, Duration.ZERO, Duration.ZERO);
        int keys = 20_000;
        int nonRetryable = 0;
        for (int i = 0; i < keys; i++) {
            String key = "run-1-" + i;
            int first = script.decide(key, RUNNING, NEVER_FAILS).status();
            for (int attempt = 2; attempt <= 4; attempt++) {
                assertThat(script.decide(key, RUNNING, NEVER_FAILS).status())
                        .as("attempt %d of %s", attempt, key)
                        .isEqualTo(first);
            }
            if (first == 422) {
                nonRetryable++;
            }
        }
        assertThat(nonRetryable / (double) keys).isCloseTo(0.1, within(0.01));
    }

    @Test
    void randomFailureComesBeforeNonRetryable() {
        DownstreamScript script = script(0.5, 1, Duration.ZERO, Duration.ZERO);

        assertThat(script.decide("k", RUNNING, () -> 0.1).status()).isEqualTo(500);
        assertThat(script.decide("k", RUNNING, () -> 0.9).status()).isEqualTo(422);
    }

    @Test
    void callWithoutKeyIsNeverNonRetryable() {
        DownstreamScript script = script(0, 1, Duration.ZERO, Duration.ZERO);

        assertThat(script.decide(null, RUNNING, NEVER_FAILS).status()).isEqualTo(200);
    }

    @Test
    void keyFractionIsFixedAcrossRuns() {
        assertThat(DownstreamScript.keyFraction("order-42")).isEqualTo(DownstreamScript.keyFraction("order-42"));
        assertThat(DownstreamScript.keyFraction("order-42")).isBetween(0.0, 1.0);
        assertThat(DownstreamScript.keyFraction("order-42")).isNotEqualTo(DownstreamScript.keyFraction("order-43"));
    }

    @Test
    void everyResponseCarriesLatency() {
        DownstreamScript script =
                new DownstreamScript(0.5, 500, Duration.ofMillis(25), Duration.ZERO, Duration.ofSeconds(1), 0.5);

        assertThat(script.decide("k", Duration.ZERO, () -> 0.0).delay()).isEqualTo(Duration.ofMillis(25));
        assertThat(script.decide("k", RUNNING, () -> 0.0).delay()).isEqualTo(Duration.ofMillis(25));
        assertThat(script.decide("k", RUNNING, () -> 0.9).delay()).isEqualTo(Duration.ofMillis(25));
    }

    @Test
    void invalidScriptIsRejectedWithTheValue() {
        assertThatThrownBy(() -> script(1.5, 0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("failureRate must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> script(0, -0.1, Duration.ZERO, Duration.ZERO))
                .hasMessage("nonRetryableRate must be between 0 and 1, got -0.1");
        assertThatThrownBy(() -> new DownstreamScript(0, 200, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0))
                .hasMessage("failureStatus must be an error status from 400 to 599, got 200");
        assertThatThrownBy(() -> script(0, 0, Duration.ofSeconds(-1), Duration.ZERO))
                .hasMessage("outageStart must be zero or positive, got PT-1S");
    }

    private static int statusAt(DownstreamScript script, Duration sinceStart) {
        return script.decide("key", sinceStart, NEVER_FAILS).status();
    }

    private static DownstreamScript script(
            double failureRate, double nonRetryableRate, Duration outageStart, Duration outageDuration) {
        return new DownstreamScript(failureRate, 500, Duration.ZERO, outageStart, outageDuration, nonRetryableRate);
    }
}
