package io.retryladder.dlq.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a replay run for each selected dead letter.
 *
 * @param toReplay the entries to replay now, in partition and offset order
 * @param doneEarlier entries an earlier run of the same replay id already replayed
 * @param skipped entries left alone because replaying them would change nothing, by reason
 * @param refused entries not replayed because a rule forbids it, by reason
 * @param unreadable entries that cannot be decoded, with the reason; they are never replayed
 * @param notFound requested ids with no dead letter below the replay's end offsets
 * @param beyondLimit entries that would have been replayed but for --limit
 */
public record ReplayPlan(
        List<Candidate> toReplay,
        List<EntryId> doneEarlier,
        Map<String, List<EntryId>> skipped,
        Map<String, List<EntryId>> refused,
        Map<EntryId, String> unreadable,
        List<EntryId> notFound,
        List<EntryId> beyondLimit) {

    public ReplayPlan {
        toReplay = List.copyOf(toReplay);
        doneEarlier = List.copyOf(doneEarlier);
        skipped = new LinkedHashMap<>(skipped);
        refused = new LinkedHashMap<>(refused);
        unreadable = new LinkedHashMap<>(unreadable);
        notFound = List.copyOf(notFound);
        beyondLimit = List.copyOf(beyondLimit);
    }

    public int skippedCount() {
        return skipped.values().stream().mapToInt(List::size).sum();
    }

    public int refusedCount() {
        return refused.values().stream().mapToInt(List::size).sum();
    }

    /** Returns whether some selected entries need attention: refused, unreadable or not found. */
    public boolean isPartial() {
        return !refused.isEmpty() || !unreadable.isEmpty() || !notFound.isEmpty();
    }

    /**
     * A dead letter chosen for replay, without its bytes; the replay reads it again.
     *
     * @param replayCount the replay count of the dead letter, before the replay
     */
    public record Candidate(EntryId id, String idempotencyKey, String operationId, int replayCount, String target) {}
}
