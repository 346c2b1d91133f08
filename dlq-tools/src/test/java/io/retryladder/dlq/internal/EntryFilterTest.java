package io.retryladder.dlq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.DeadLetterInfo;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.config.StatusRanges;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EntryFilterTest {

    private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");

    private final DeadLetterEntry http = entry(TestOperations.http("k1", "https://API.Example.com:8443/x")
            .setDeadLetter(new DeadLetterInfo(DeadLetterReason.ATTEMPTS_EXHAUSTED, AT, "w"))
            .build());
    private final DeadLetterEntry unreadable = new DeadLetterEntry(
            "dlq",
            0,
            9,
            AT.toEpochMilli(),
            "k2".getBytes(StandardCharsets.UTF_8),
            null,
            new RecordHeaders(),
            null,
            "parked");

    @Test
    void emptyFilterSelectsEverything() {
        assertThat(EntryFilter.all().matches(http)).isTrue();
        assertThat(EntryFilter.all().matches(unreadable)).isTrue();
        assertThat(EntryFilter.all().isRestricted()).isFalse();
    }

    @Test
    void timeBoundsUseDeadLetterTime() {
        assertThat(filter(AT, null).matches(http)).isTrue();
        assertThat(filter(AT.plusMillis(1), null).matches(http)).isFalse();
        assertThat(filter(null, AT).matches(http)).isFalse();
        assertThat(filter(null, AT.plusMillis(1)).matches(unreadable)).isTrue();
    }

    @Test
    void hostPatternsIgnoreCaseAndPort() {
        assertThat(hosts("api.example.com").matches(http)).isTrue();
        assertThat(hosts("*.example.com").matches(http)).isTrue();
        assertThat(hosts("*.other.com").matches(http)).isFalse();
        assertThat(hosts("*.example.com").matches(unreadable)).isFalse();
    }

    @Test
    void envelopeCriteriaLeaveUnreadableOut() {
        EntryFilter kinds = new EntryFilter(
                null,
                null,
                Set.of(ErrorKind.HTTP_STATUS),
                null,
                List.of(),
                Set.of(),
                Set.of(),
                null,
                Set.of(),
                Set.of(),
                false);
        EntryFilter statuses = new EntryFilter(
                null,
                null,
                Set.of(),
                StatusRanges.parse("s", List.of("500-599")),
                List.of(),
                Set.of(),
                Set.of(),
                null,
                Set.of(),
                Set.of(),
                false);
        EntryFilter keys = new EntryFilter(
                null, null, Set.of(), null, List.of(), Set.of("k2"), Set.of(), null, Set.of(), Set.of(), false);
        EntryFilter unreadableOnly = new EntryFilter(
                null, null, Set.of(), null, List.of(), Set.of(), Set.of(), null, Set.of(), Set.of(), true);

        assertThat(kinds.matches(http)).isTrue();
        assertThat(kinds.matches(unreadable)).isFalse();
        assertThat(statuses.matches(http)).isTrue();
        assertThat(keys.matches(unreadable)).isTrue();
        assertThat(keys.matches(http)).isFalse();
        assertThat(unreadableOnly.matches(unreadable)).isTrue();
        assertThat(unreadableOnly.matches(http)).isFalse();
    }

    private static EntryFilter filter(Instant since, Instant until) {
        return new EntryFilter(
                since, until, Set.of(), null, List.of(), Set.of(), Set.of(), null, Set.of(), Set.of(), false);
    }

    private static EntryFilter hosts(String pattern) {
        return new EntryFilter(
                null, null, Set.of(), null, List.of(pattern), Set.of(), Set.of(), null, Set.of(), Set.of(), false);
    }

    private static DeadLetterEntry entry(FailedOperation envelope) {
        return new DeadLetterEntry(
                "dlq",
                0,
                1,
                0,
                envelope.getIdempotencyKey().getBytes(StandardCharsets.UTF_8),
                new byte[0],
                new RecordHeaders(),
                envelope,
                null);
    }
}
