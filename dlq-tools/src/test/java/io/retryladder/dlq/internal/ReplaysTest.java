package io.retryladder.dlq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.DeadLetterInfo;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HistoryEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplaysTest {

    @Test
    void replayedEnvelopeHasFreshBudget() {
        Instant deadAt = Instant.parse("2024-05-01T10:00:00Z");
        FailedOperation deadLetter = TestOperations.http("k", "http://127.0.0.1:9/x")
                .setAttempt(4)
                .setTotalAttempts(6)
                .setReplayCount(1)
                .setReplayId("old")
                .setCallerHeaders(TestOperations.awkwardHeaders())
                .setDeadLetter(new DeadLetterInfo(DeadLetterReason.ATTEMPTS_EXHAUSTED, deadAt, "w"))
                .build();
        Instant now = Instant.parse("2024-05-02T08:00:00.123456Z");

        FailedOperation replayed = Replays.replayed(deadLetter, "new", now, "replayed by test");

        assertThat(replayed.getAttempt()).isZero();
        assertThat(replayed.getMaxAttempts()).isEqualTo(deadLetter.getMaxAttempts());
        assertThat(replayed.getTotalAttempts()).isEqualTo(6);
        assertThat(replayed.getReplayCount()).isEqualTo(2);
        assertThat(replayed.getReplayId()).isEqualTo("new");
        assertThat(replayed.getDeadLetter()).isNull();
        assertThat(replayed.getLastFailureAt()).isEqualTo("2024-05-02T08:00:00.123Z");
        assertThat(replayed.getDueAt()).isEqualTo(replayed.getLastFailureAt());
        assertThat(replayed.getCallerHeaders()).isEqualTo(deadLetter.getCallerHeaders());
        assertThat(replayed.getRequest()).isEqualTo(deadLetter.getRequest());
        HistoryEntry event = replayed.getHistory().get(replayed.getHistory().size() - 1);
        assertThat(event.getEvent()).isEqualTo(HistoryEvent.REPLAYED);
        assertThat(event.getReplayId()).isEqualTo("new");
        assertThat(event.getAttempt()).isEqualTo(4);
        assertThat(event.getMessage()).isEqualTo("replayed by test");
        assertThat(deadLetter.getAttempt())
                .as("the dead letter itself is unchanged")
                .isEqualTo(4);
        assertThat(deadLetter.getHistory()).isEmpty();
    }
}
