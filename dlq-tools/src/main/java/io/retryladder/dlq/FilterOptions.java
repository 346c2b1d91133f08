package io.retryladder.dlq;

import io.retryladder.dlq.internal.EntryFilter;
import io.retryladder.dlq.internal.EntryId;
import io.retryladder.dlq.internal.IntRange;
import io.retryladder.dlq.internal.TimeBound;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.config.StatusRanges;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

/** Options that select dead letters; list, stats, replay, resolve and export share them. */
final class FilterOptions {

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description = "Only entries dead-lettered at or after TIME: an ISO-8601 instant (2024-05-01T10:00:00Z),"
                    + " a date (2024-05-01, midnight UTC) or a duration before now (90s, 30m, 2h, 7d, PT2H).")
    TimeBound since;

    @Option(
            names = "--until",
            paramLabel = "TIME",
            description = "Only entries dead-lettered before TIME, in the forms --since accepts.")
    TimeBound until;

    @Option(
            names = "--error-kind",
            paramLabel = "KIND",
            split = ",",
            description = "Only entries whose last error has one of these kinds: ${COMPLETION-CANDIDATES}.")
    List<ErrorKind> errorKinds = new ArrayList<>();

    @Option(
            names = "--http-status",
            paramLabel = "STATUS",
            split = ",",
            description = "Only entries whose last error has one of these HTTP statuses, as codes or ranges:"
                    + " 503 or 500-599.")
    List<String> httpStatuses = new ArrayList<>();

    @Option(
            names = "--host",
            paramLabel = "HOST",
            split = ",",
            description = "Only HTTP operations aimed at one of these hosts, as names or *.domain patterns.")
    List<String> hosts = new ArrayList<>();

    @Option(
            names = "--key",
            paramLabel = "KEY",
            description = "Only entries with this idempotency key; repeat the option for several keys.")
    List<String> keys = new ArrayList<>();

    @Option(
            names = "--origin-topic",
            paramLabel = "TOPIC",
            split = ",",
            description = "Only operations whose caller was processing a record of one of these topics.")
    List<String> originTopics = new ArrayList<>();

    @Option(
            names = "--attempts",
            paramLabel = "N|N-M|N+",
            description = "Only entries whose most recent attempt number (counting the caller's first call as"
                    + " attempt 1) lies in this range.")
    IntRange attempts;

    @Option(
            names = "--reason",
            paramLabel = "REASON",
            split = ",",
            description = "Only entries dead-lettered for one of these reasons: ${COMPLETION-CANDIDATES}.")
    List<DeadLetterReason> reasons = new ArrayList<>();

    @Option(
            names = "--unreadable",
            description = "Only entries that cannot be decoded, including records the workers parked raw.")
    boolean unreadableOnly;

    @Option(
            names = "--include-resolved",
            description = "Also select entries marked as handled with resolve; they are left out by default.")
    boolean includeResolved;

    /**
     * Returns the filter these options describe, limited to {@code ids} when that is not empty.
     *
     * @throws ToolException with the usage exit code when a filter is invalid or can never match
     */
    EntryFilter toFilter(Clock clock, Set<EntryId> ids) {
        Instant sinceInstant = since == null ? null : since.resolve(clock);
        Instant untilInstant = until == null ? null : until.resolve(clock);
        if (sinceInstant != null && untilInstant != null && !sinceInstant.isBefore(untilInstant)) {
            throw ToolException.usage("--until (" + untilInstant + ") must be later than --since (" + sinceInstant
                    + "); no entry lies between them");
        }
        if (attempts != null && attempts.max() < 1) {
            throw ToolException.usage(
                    "--attempts 0 matches nothing: the caller's first call is attempt 1, so give 1 or more");
        }
        requireNonBlank("--host", hosts);
        requireNonBlank("--key", keys);
        requireNonBlank("--origin-topic", originTopics);
        StatusRanges statuses = null;
        if (!httpStatuses.isEmpty()) {
            try {
                statuses = StatusRanges.parse("--http-status", httpStatuses);
            } catch (ConfigException e) {
                throw ToolException.usage(e.getMessage());
            }
        }
        return new EntryFilter(
                sinceInstant,
                untilInstant,
                new HashSet<>(errorKinds),
                statuses,
                hosts,
                new HashSet<>(keys),
                new HashSet<>(originTopics),
                attempts,
                new HashSet<>(reasons),
                ids,
                unreadableOnly);
    }

    private static void requireNonBlank(String option, List<String> values) {
        for (String value : values) {
            if (value == null || value.isBlank()) {
                throw ToolException.usage(option + " was given an empty value; give a value or leave the option out");
            }
        }
    }
}
