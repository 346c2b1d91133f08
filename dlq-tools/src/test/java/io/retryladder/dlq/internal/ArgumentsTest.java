package io.retryladder.dlq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Parsing of the values that options take: times, ranges and entry ids. */
class ArgumentsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void timeBoundAcceptsInstantsDatesAndDurations() {
        assertThat(TimeBound.parse("2024-05-01T10:00:00Z").resolve(CLOCK)).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(TimeBound.parse("2024-05-01T12:00:00+02:00").resolve(CLOCK)).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(TimeBound.parse("2024-04-30").resolve(CLOCK)).isEqualTo("2024-04-30T00:00:00Z");
        assertThat(TimeBound.parse("2h").resolve(CLOCK)).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(TimeBound.parse("90s").resolve(CLOCK)).isEqualTo("2024-05-01T11:58:30Z");
        assertThat(TimeBound.parse("7d").resolve(CLOCK)).isEqualTo("2024-04-24T12:00:00Z");
        assertThat(TimeBound.parse("1w").resolve(CLOCK)).isEqualTo("2024-04-24T12:00:00Z");
        assertThat(TimeBound.parse("PT30M").resolve(CLOCK)).isEqualTo("2024-05-01T11:30:00Z");
    }

    @Test
    void timeBoundRejectsOtherText() {
        for (String text : new String[] {"yesterday", "2024-05-01T10:00:00", "-2h", "", "2 h"}) {
            assertThatThrownBy(() -> TimeBound.parse(text))
                    .as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid time");
        }
    }

    @Test
    void intRangeForms() {
        assertThat(IntRange.parse("4")).isEqualTo(new IntRange(4, 4));
        assertThat(IntRange.parse("2-4")).isEqualTo(new IntRange(2, 4));
        assertThat(IntRange.parse("3+").contains(1_000)).isTrue();
        assertThat(IntRange.parse("3+").contains(2)).isFalse();
        assertThatThrownBy(() -> IntRange.parse("x")).hasMessageContaining("expected N, N-M or N+");
    }

    @Test
    void entryIdRoundTrip() {
        EntryId id = EntryId.parse("3:1200");

        assertThat(id.partition()).isEqualTo(3);
        assertThat(id.offset()).isEqualTo(1200);
        assertThat(id).hasToString("3:1200");
        assertThat(EntryId.parse("0:2")).isLessThan(EntryId.parse("0:10")).isLessThan(EntryId.parse("1:0"));
        assertThatThrownBy(() -> EntryId.parse("3-1200")).hasMessageContaining("expected <partition>:<offset>");
    }

    @Test
    void replayIdRules() {
        assertThat(Replays.requireValidId("fix-2024.05_01")).isEqualTo("fix-2024.05_01");
        assertThatThrownBy(() -> Replays.requireValidId("a/b")).hasMessageContaining("Invalid replay id 'a/b'");
        assertThatThrownBy(() -> Replays.requireValidId("x".repeat(65))).hasMessageContaining("1 to 64");
        assertThat(Replays.newId(Instant.parse("2024-05-01T10:15:30.123Z")))
                .matches("replay-20240501T101530Z-[0-9a-f]{4}");
    }
}
