package io.retryladder.dlq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.state.OperationState;
import io.retryladder.envelope.state.OperationState.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Which dead letters a replay moves, skips, refuses or reports, from the entries and the workers' state. */
class ReplayPlannerTest {

    private long offset;

    @Test
    void replaysPlainEntries() {
        ReplayPlanner planner = planner(Set.of());
        planner.accept(entry(envelope("a", 0)));
        planner.accept(entry(envelope("b", 0)));

        ReplayPlan plan = planner.plan(Map.of(), 0, Set.of());

        assertThat(plan.toReplay())
                .extracting(ReplayPlan.Candidate::idempotencyKey)
                .containsExactly("a", "b");
        assertThat(plan.isPartial()).isFalse();
    }

    @Test
    void refusesAtReplayCapUnlessForced() {
        FailedOperation capped = envelope("capped", 3);

        ReplayPlanner planner = planner(Set.of());
        planner.accept(entry(capped));
        ReplayPlan plan = planner.plan(Map.of(), 0, Set.of());
        assertThat(plan.toReplay()).isEmpty();
        assertThat(plan.refusedCount()).isEqualTo(1);
        assertThat(plan.isPartial()).isTrue();

        ReplayPlanner forced = new ReplayPlanner(
                "r", 3, true, false, EntryFilter.all(), Resolutions.none("resolved", "dlq"), Set.of());
        forced.accept(entry(capped));
        assertThat(forced.plan(Map.of(), 0, Set.of()).toReplay()).hasSize(1);
    }

    @Test
    void skipsByWorkersState() {
        FailedOperation succeeded = envelope("succeeded", 0);
        FailedOperation deadLettered = envelope("dead", 0);
        FailedOperation replayedLater = envelope("later", 1);
        FailedOperation taken = envelope("taken", 0);
        ReplayPlanner planner = planner(Set.of());
        for (FailedOperation envelope : List.of(succeeded, deadLettered, replayedLater, taken)) {
            planner.accept(entry(envelope));
        }
        Map<String, OperationState> states = Map.of(
                "succeeded", state(Status.SUCCEEDED, succeeded.getOperationId(), 0),
                "dead", state(Status.DEAD_LETTERED, deadLettered.getOperationId(), 0),
                "later", state(Status.IN_LADDER, replayedLater.getOperationId(), 2),
                "taken", state(Status.IN_LADDER, "another-operation", 0));

        assertThat(planner.keysToCheck()).containsExactlyInAnyOrder("succeeded", "dead", "later", "taken");
        ReplayPlan plan = planner.plan(states, 0, Set.of());

        assertThat(plan.toReplay())
                .extracting(ReplayPlan.Candidate::idempotencyKey)
                .containsExactly("dead");
        assertThat(plan.skipped())
                .containsOnlyKeys(ReplayPlanner.SUCCEEDED, ReplayPlanner.ALREADY_REPLAYED, ReplayPlanner.KEY_TAKEN);
        assertThat(plan.isPartial()).isFalse();
    }

    @Test
    void skipsEntrySupersededByNewerDeadLetter() {
        FailedOperation first = envelope("k", 0);
        FailedOperation again =
                FailedOperation.newBuilder(first).setReplayCount(1).build();
        ReplayPlanner planner = planner(Set.of());
        DeadLetterEntry older = entry(first);
        planner.accept(older);
        planner.accept(entry(again));

        ReplayPlan plan = planner.plan(Map.of(), 0, Set.of());

        assertThat(plan.toReplay())
                .extracting(ReplayPlan.Candidate::replayCount)
                .containsExactly(1);
        assertThat(plan.skipped().get(ReplayPlanner.SUPERSEDED)).containsExactly(older.id());
    }

    @Test
    void skipsWhatThisReplayIdProducedOrDid() {
        FailedOperation returned = FailedOperation.newBuilder(envelope("returned", 0))
                .setReplayCount(1)
                .setReplayId("r")
                .build();
        DeadLetterEntry done = entry(envelope("done", 0));
        ReplayPlanner planner = planner(Set.of(done.id()));
        planner.accept(done);
        planner.accept(entry(returned));

        ReplayPlan plan = planner.plan(Map.of(), 0, Set.of());

        assertThat(plan.toReplay()).isEmpty();
        assertThat(plan.doneEarlier()).containsExactly(done.id());
        assertThat(plan.skipped()).containsOnlyKeys(ReplayPlanner.FROM_THIS_REPLAY);
    }

    @Test
    void reportsUnreadableMissingAndBeyondLimit() {
        ReplayPlanner planner = planner(Set.of());
        DeadLetterEntry unreadable = new DeadLetterEntry(
                "dlq",
                0,
                offset++,
                0,
                "x".getBytes(StandardCharsets.UTF_8),
                new byte[] {1},
                new RecordHeaders(),
                null,
                "cannot decode");
        planner.accept(unreadable);
        planner.accept(entry(envelope("a", 0)));
        planner.accept(entry(envelope("b", 0)));
        planner.accept(entry(envelope("c", 0)));

        ReplayPlan plan = planner.plan(Map.of(), 2, Set.of(new EntryId(7, 7)));

        assertThat(plan.toReplay()).hasSize(2);
        assertThat(plan.beyondLimit()).hasSize(1);
        assertThat(plan.unreadable()).containsEntry(unreadable.id(), "cannot decode");
        assertThat(plan.notFound()).containsExactly(new EntryId(7, 7));
        assertThat(plan.isPartial()).isTrue();
    }

    @Test
    void refusesEntryWhoseKeyDiffersFromEnvelope() {
        ReplayPlanner planner = planner(Set.of());
        planner.accept(new DeadLetterEntry(
                "dlq",
                0,
                offset++,
                0,
                "other".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                new RecordHeaders(),
                envelope("k", 0),
                null));

        ReplayPlan plan = planner.plan(Map.of(), 0, Set.of());

        assertThat(plan.refused()).containsOnlyKeys(ReplayPlanner.KEY_MISMATCH);
    }

    private static ReplayPlanner planner(Set<EntryId> doneEarlier) {
        return new ReplayPlanner(
                "r", 3, false, false, EntryFilter.all(), Resolutions.none("resolved", "dlq"), doneEarlier);
    }

    private DeadLetterEntry entry(FailedOperation envelope) {
        return new DeadLetterEntry(
                "dlq",
                0,
                offset++,
                0,
                envelope.getIdempotencyKey().getBytes(StandardCharsets.UTF_8),
                new byte[0],
                new RecordHeaders(),
                envelope,
                null);
    }

    private static FailedOperation envelope(String key, int replayCount) {
        return TestOperations.http(key, "http://127.0.0.1:9/x")
                .setReplayCount(replayCount)
                .build();
    }

    private static OperationState state(Status status, String operationId, int replayCount) {
        return new OperationState(status, operationId, new byte[] {1}, 1, replayCount, 0, 0, null);
    }
}
