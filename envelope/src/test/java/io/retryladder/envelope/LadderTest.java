package io.retryladder.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LadderTest {

    @Test
    void defaultsNameTiersAfterDelays() {
        Ladder ladder = Ladder.ofDefaults();

        assertThat(ladder.tierTopics()).containsExactly("retry-1s", "retry-4s", "retry-16s");
        assertThat(ladder.deadLetterTopic()).isEqualTo("retry-dlq");
        assertThat(ladder.defaultMaxAttempts()).isEqualTo(4);
    }

    @Test
    void attemptsMapToTiers() {
        Ladder ladder = Ladder.ofDefaults();

        assertThat(ladder.tierAfterAttempt(0).topic())
                .as("a replay starts in the first tier")
                .isEqualTo("retry-1s");
        assertThat(ladder.tierAfterAttempt(1).topic()).isEqualTo("retry-1s");
        assertThat(ladder.tierAfterAttempt(2).topic()).isEqualTo("retry-4s");
        assertThat(ladder.tierAfterAttempt(3).topic()).isEqualTo("retry-16s");
        assertThat(ladder.tierAfterAttempt(7).topic())
                .as("beyond the ladder the last tier repeats")
                .isEqualTo("retry-16s");
    }

    @Test
    void delaysFormatInLargestUnit() {
        assertThat(Ladder.formatDelay(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Ladder.formatDelay(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Ladder.formatDelay(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Ladder.formatDelay(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Ladder.formatDelay(Duration.ofHours(2))).isEqualTo("2h");
    }

    @Test
    void decreasingDelaysRejected() {
        assertThatThrownBy(() -> Ladder.of("r-", List.of(Duration.ofSeconds(4), Duration.ofSeconds(1)), "dlq"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not decrease")
                .hasMessageContaining("1000 ms after 4000 ms");
    }

    @Test
    void invalidTopicNameRejected() {
        assertThatThrownBy(() -> Ladder.of("r-", List.of(Duration.ofSeconds(1)), "dead letters"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'dead letters'");
    }

    @Test
    void duplicateTopicRejected() {
        assertThatThrownBy(
                        () -> Ladder.of(List.of("a", "a"), List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distinct");
    }
}
