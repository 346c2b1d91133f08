package io.retryladder.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.worker.internal.TimerKeys;
import org.junit.jupiter.api.Test;

class TimerKeyLayoutTest {

    @Test
    void shouldWriteTheWorkersTimerKeyBytes() {
        byte[] ours = TimerKeyLayout.of(1_800_000_000_123L, "5b0e7c1e-operation", 2, 3);

        assertThat(ours)
                .isEqualTo(TimerKeys.of(1_800_000_000_123L, "5b0e7c1e-operation", 2, 3)
                        .get());
    }

    @Test
    void shouldWriteTheWorkersUpperBound() {
        assertThat(TimerKeyLayout.upperBoundFor(1_800_000_000_123L))
                .isEqualTo(TimerKeys.upperBoundFor(1_800_000_000_123L).get());
    }

    @Test
    void shouldWriteTheWorkersLowestKey() {
        assertThat(TimerKeyLayout.lowest()).isEqualTo(TimerKeys.lowest().get());
    }
}
