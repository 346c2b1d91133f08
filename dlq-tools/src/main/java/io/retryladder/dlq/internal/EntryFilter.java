package io.retryladder.dlq.internal;

import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.config.StatusRanges;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Selects dead letters. Every criterion that is set must match. An unreadable entry has only a
 * record key and a timestamp, so it matches only when no criterion needs the envelope.
 *
 * @param since entries dead-lettered at or after this instant, or null
 * @param until entries dead-lettered before this instant, or null
 * @param httpStatuses HTTP statuses of the last error, or null for any
 * @param hosts HTTP hosts, in lower case, each a name or a {@code *.domain} pattern
 * @param attempts range of the envelope's attempt number, or null for any
 * @param ids entries with these ids only, or empty for any
 * @param unreadableOnly select unreadable entries only
 */
public record EntryFilter(
        Instant since,
        Instant until,
        Set<ErrorKind> errorKinds,
        StatusRanges httpStatuses,
        List<String> hosts,
        Set<String> keys,
        Set<String> originTopics,
        IntRange attempts,
        Set<DeadLetterReason> reasons,
        Set<EntryId> ids,
        boolean unreadableOnly) {

    public EntryFilter {
        errorKinds = Set.copyOf(errorKinds);
        hosts = hosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        keys = Set.copyOf(keys);
        originTopics = Set.copyOf(originTopics);
        reasons = Set.copyOf(reasons);
        ids = Set.copyOf(ids);
    }

    /** Returns a filter that selects every entry. */
    public static EntryFilter all() {
        return new EntryFilter(
                null, null, Set.of(), null, List.of(), Set.of(), Set.of(), null, Set.of(), Set.of(), false);
    }

    /** Returns whether any criterion is set, so that the filter selects less than everything. */
    public boolean isRestricted() {
        return since != null || until != null || !ids.isEmpty() || !keys.isEmpty() || unreadableOnly || needsEnvelope();
    }

    public boolean matches(DeadLetterEntry entry) {
        if (!ids.isEmpty() && !ids.contains(entry.id())) {
            return false;
        }
        Instant at = entry.deadLetteredAt();
        if ((since != null && at.isBefore(since)) || (until != null && !at.isBefore(until))) {
            return false;
        }
        if (!keys.isEmpty() && !keys.contains(entry.idempotencyKey())) {
            return false;
        }
        if (!entry.isReadable()) {
            return !needsEnvelope();
        }
        return !unreadableOnly && matchesEnvelope(entry);
    }

    private boolean needsEnvelope() {
        return !errorKinds.isEmpty()
                || httpStatuses != null
                || !hosts.isEmpty()
                || !originTopics.isEmpty()
                || attempts != null
                || !reasons.isEmpty();
    }

    private boolean matchesEnvelope(DeadLetterEntry entry) {
        FailedOperation envelope = entry.envelope();
        if (!errorKinds.isEmpty()
                && !errorKinds.contains(envelope.getLastError().getKind())) {
            return false;
        }
        Integer status = envelope.getLastError().getHttpStatus();
        if (httpStatuses != null && (status == null || !httpStatuses.contains(status))) {
            return false;
        }
        if (!hosts.isEmpty() && !matchesHost(entry.host())) {
            return false;
        }
        if (!originTopics.isEmpty()
                && !originTopics.contains(envelope.getOrigin().getTopic())) {
            return false;
        }
        if (attempts != null && !attempts.contains(envelope.getAttempt())) {
            return false;
        }
        DeadLetterReason reason = envelope.getDeadLetter() == null
                ? null
                : envelope.getDeadLetter().getReason();
        return reasons.isEmpty() || reasons.contains(reason);
    }

    private boolean matchesHost(String host) {
        if (host == null) {
            return false;
        }
        for (String pattern : hosts) {
            if (pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : host.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
