package io.retryladder.dlq.internal;

import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.state.OperationState;
import io.retryladder.envelope.state.OperationState.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which dead letters a replay run moves. It reads every dead letter below the replay's end
 * offsets once, in partition and offset order, and then the workers' state of the remaining keys.
 * It skips an entry when the workers would drop its replay anyway, so that the summary reports what
 * really happens:
 *
 * <ul>
 *   <li>the key has SUCCEEDED meanwhile;
 *   <li>the key now belongs to another operation;
 *   <li>the workers already hold a replay of the operation with the same or a higher replay count;
 *   <li>the dead-letter topic holds a newer dead letter of the same operation.
 * </ul>
 */
public final class ReplayPlanner {

    public static final String RESOLVED = "resolved (--include-resolved replays them)";
    public static final String FROM_THIS_REPLAY = "dead-lettered again after this replay id replayed it";
    public static final String SUCCEEDED = "the key has succeeded meanwhile (SUCCEEDED in the workers' state)";
    public static final String KEY_TAKEN = "the key now belongs to another operation";
    public static final String ALREADY_REPLAYED = "the workers already hold a later replay of this operation";
    public static final String SUPERSEDED = "a newer dead letter of this operation exists";
    public static final String KEY_MISMATCH =
            "the record key is not the envelope's idempotency key, so the workers would park it";

    private final String replayId;
    private final int maxReplays;
    private final boolean force;
    private final boolean includeResolved;
    private final EntryFilter filter;
    private final Resolutions resolutions;
    private final Set<EntryId> doneEarlier;

    private final List<Selected> selected = new ArrayList<>();
    private final Set<EntryId> seenIds = new HashSet<>();
    private final Map<String, Newest> newestReplayByOperation = new HashMap<>();

    /**
     * @param maxReplays the replay cap: entries whose replay count reached it are refused
     * @param force replay entries at the replay cap anyway
     * @param doneEarlier entries that earlier runs of this replay id replayed, from the markers
     */
    public ReplayPlanner(
            String replayId,
            int maxReplays,
            boolean force,
            boolean includeResolved,
            EntryFilter filter,
            Resolutions resolutions,
            Set<EntryId> doneEarlier) {
        this.replayId = replayId;
        this.maxReplays = maxReplays;
        this.force = force;
        this.includeResolved = includeResolved;
        this.filter = filter;
        this.resolutions = resolutions;
        this.doneEarlier = Set.copyOf(doneEarlier);
    }

    /** Takes the next dead letter of the scan. */
    public void accept(DeadLetterEntry entry) {
        FailedOperation envelope = entry.envelope();
        if (envelope != null && envelope.getReplayCount() > 0) {
            newestReplayByOperation.merge(
                    envelope.getOperationId(),
                    new Newest(envelope.getReplayCount(), entry.id()),
                    (old, candidate) -> candidate.replayCount() > old.replayCount() ? candidate : old);
        }
        if (!filter.matches(entry)) {
            return;
        }
        seenIds.add(entry.id());
        selected.add(new Selected(
                new ReplayPlan.Candidate(
                        entry.id(),
                        entry.idempotencyKey(),
                        envelope == null ? null : envelope.getOperationId(),
                        envelope == null ? 0 : envelope.getReplayCount(),
                        entry.target()),
                entry.unreadableReason(),
                resolutions.isResolved(entry),
                envelope != null && replayId.equals(envelope.getReplayId()),
                entry.keyMatchesEnvelope()));
    }

    /** Returns the keys whose workers' state decides the outcome, after the scan. */
    public Set<String> keysToCheck() {
        Set<String> keys = new HashSet<>();
        for (Selected entry : selected) {
            if (preliminaryOutcome(entry) == null) {
                keys.add(entry.candidate().idempotencyKey());
            }
        }
        return keys;
    }

    /**
     * Returns the plan.
     *
     * @param states the workers' state of the keys from {@link #keysToCheck()}, or null to skip the check
     * @param limit the most entries to replay, 0 for no limit
     * @param requestedIds ids named on the command line, reported when no entry has them
     */
    public ReplayPlan plan(Map<String, OperationState> states, int limit, Set<EntryId> requestedIds) {
        List<ReplayPlan.Candidate> toReplay = new ArrayList<>();
        List<EntryId> earlier = new ArrayList<>();
        Map<String, List<EntryId>> skipped = new LinkedHashMap<>();
        Map<String, List<EntryId>> refused = new LinkedHashMap<>();
        Map<EntryId, String> unreadable = new LinkedHashMap<>();
        List<EntryId> beyondLimit = new ArrayList<>();
        for (Selected entry : selected) {
            EntryId id = entry.candidate().id();
            Outcome outcome = preliminaryOutcome(entry);
            if (outcome == null && states != null) {
                outcome = stateOutcome(
                        entry.candidate(), states.get(entry.candidate().idempotencyKey()));
            }
            if (outcome == null) {
                if (limit > 0 && toReplay.size() >= limit) {
                    beyondLimit.add(id);
                } else {
                    toReplay.add(entry.candidate());
                }
                continue;
            }
            switch (outcome.kind()) {
                case DONE_EARLIER -> earlier.add(id);
                case UNREADABLE -> unreadable.put(id, outcome.reason());
                case SKIPPED ->
                    skipped.computeIfAbsent(outcome.reason(), reason -> new ArrayList<>())
                            .add(id);
                case REFUSED ->
                    refused.computeIfAbsent(outcome.reason(), reason -> new ArrayList<>())
                            .add(id);
                default -> throw new IllegalStateException("Unexpected outcome " + outcome);
            }
        }
        List<EntryId> notFound = requestedIds.stream()
                .filter(id -> !seenIds.contains(id))
                .sorted()
                .toList();
        return new ReplayPlan(toReplay, earlier, skipped, refused, unreadable, notFound, beyondLimit);
    }

    private Outcome preliminaryOutcome(Selected entry) {
        ReplayPlan.Candidate candidate = entry.candidate();
        if (doneEarlier.contains(candidate.id())) {
            return new Outcome(Kind.DONE_EARLIER, null);
        }
        if (entry.unreadableReason() != null) {
            return new Outcome(Kind.UNREADABLE, entry.unreadableReason());
        }
        if (entry.resolved() && !includeResolved) {
            return new Outcome(Kind.SKIPPED, RESOLVED);
        }
        if (entry.fromThisReplay()) {
            return new Outcome(Kind.SKIPPED, FROM_THIS_REPLAY);
        }
        Newest newest = newestReplayByOperation.get(candidate.operationId());
        if (newest != null && newest.replayCount() > candidate.replayCount()) {
            return new Outcome(Kind.SKIPPED, SUPERSEDED);
        }
        if (!entry.keyMatches()) {
            return new Outcome(Kind.REFUSED, KEY_MISMATCH);
        }
        if (candidate.replayCount() >= maxReplays && !force) {
            return new Outcome(
                    Kind.REFUSED,
                    "replayed " + maxReplays + " times or more, the replay cap (--force replays anyway, --max-replays"
                            + " raises the cap)");
        }
        return null;
    }

    private static Outcome stateOutcome(ReplayPlan.Candidate candidate, OperationState state) {
        if (state == null) {
            return null;
        }
        if (state.status() == Status.SUCCEEDED) {
            return new Outcome(Kind.SKIPPED, SUCCEEDED);
        }
        if (!state.operationId().equals(candidate.operationId())) {
            return new Outcome(Kind.SKIPPED, KEY_TAKEN);
        }
        if (state.replayCount() > candidate.replayCount()) {
            return new Outcome(Kind.SKIPPED, ALREADY_REPLAYED);
        }
        return null;
    }

    private enum Kind {
        DONE_EARLIER,
        UNREADABLE,
        SKIPPED,
        REFUSED
    }

    private record Outcome(Kind kind, String reason) {}

    /** The dead letter with the highest replay count of one operation. */
    private record Newest(int replayCount, EntryId id) {}

    private record Selected(
            ReplayPlan.Candidate candidate,
            String unreadableReason,
            boolean resolved,
            boolean fromThisReplay,
            boolean keyMatches) {}
}
