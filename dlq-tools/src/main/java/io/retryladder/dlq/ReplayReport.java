package io.retryladder.dlq;

import io.retryladder.dlq.internal.EntryId;
import io.retryladder.dlq.internal.ReplayPlan;
import io.retryladder.dlq.internal.TextTable;
import io.retryladder.dlq.internal.Texts;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Prints the plan and the summary of a replay run. */
final class ReplayReport {

    private static final int IDS_SHOWN = 20;
    private static final int DRY_RUN_ROWS = 200;

    private ReplayReport() {}

    /** Prints the entries a dry run would replay, up to {@value #DRY_RUN_ROWS}. */
    static void printCandidates(PrintWriter out, ReplayPlan plan, String tierTopic) {
        List<ReplayPlan.Candidate> candidates = plan.toReplay();
        if (candidates.isEmpty()) {
            return;
        }
        TextTable table = new TextTable(List.of("ID", "KEY", "REPLAY COUNT", "TARGET", "TO"), 16, 40, 12, 32, 32);
        for (ReplayPlan.Candidate candidate : candidates.subList(0, Math.min(DRY_RUN_ROWS, candidates.size()))) {
            table.add(
                    candidate.id().toString(),
                    candidate.idempotencyKey(),
                    candidate.replayCount() + " -> " + (candidate.replayCount() + 1),
                    candidate.target(),
                    tierTopic);
        }
        table.print(out);
        if (candidates.size() > DRY_RUN_ROWS) {
            out.println("... and " + (candidates.size() - DRY_RUN_ROWS) + " more");
        }
    }

    /**
     * Prints what happened to each selected entry.
     *
     * @param replayed how many entries this run replayed (committed)
     * @param dryRun whether nothing was written, so the summary reports what would happen
     * @param vanished entries planned but gone when the replay read them again
     */
    static void printSummary(
            PrintWriter out,
            ReplayPlan plan,
            String replayId,
            String tierTopic,
            long replayed,
            boolean dryRun,
            List<EntryId> vanished) {
        String verb = dryRun ? "Would replay " : "Replayed ";
        out.println(verb + Texts.deadLetters(replayed) + " to " + tierTopic
                + (plan.doneEarlier().isEmpty()
                        ? ""
                        : "; " + plan.doneEarlier().size() + " more were replayed by an earlier run of replay id "
                                + replayId));
        if (!dryRun && replayed > 0) {
            List<EntryId> replayedIds = plan.toReplay().stream()
                    .limit(replayed)
                    .map(ReplayPlan.Candidate::id)
                    .toList();
            out.println("  " + Texts.firstOf(replayedIds, IDS_SHOWN));
        }
        if (plan.skippedCount() > 0) {
            out.println("Skipped " + plan.skippedCount() + ":");
            printGroups(out, plan.skipped());
        }
        if (plan.refusedCount() > 0) {
            out.println("Refused " + plan.refusedCount() + ":");
            printGroups(out, plan.refused());
        }
        if (!plan.unreadable().isEmpty()) {
            out.println("Unreadable, never replayed " + plan.unreadable().size() + " (inspect shows them raw):");
            plan.unreadable().entrySet().stream()
                    .limit(IDS_SHOWN)
                    .forEach(entry -> out.println("  " + entry.getKey() + ": " + entry.getValue()));
            if (plan.unreadable().size() > IDS_SHOWN) {
                out.println("  and " + (plan.unreadable().size() - IDS_SHOWN) + " more");
            }
        }
        if (!plan.notFound().isEmpty()) {
            out.println("Not found below the replay's end offsets, "
                    + plan.notFound().size() + " in all: " + Texts.firstOf(plan.notFound(), IDS_SHOWN));
        }
        if (!vanished.isEmpty()) {
            out.println("Removed from the dead-letter topic during the replay, for example by retention, "
                    + vanished.size() + ": " + Texts.firstOf(vanished, IDS_SHOWN));
        }
        if (!plan.beyondLimit().isEmpty()) {
            out.println("Left for a later run by --limit " + plan.beyondLimit().size() + ": "
                    + Texts.firstOf(plan.beyondLimit(), IDS_SHOWN) + "; run again with --replay-id " + replayId
                    + " to continue");
        }
    }

    private static void printGroups(PrintWriter out, Map<String, List<EntryId>> groups) {
        groups.forEach(
                (reason, ids) -> out.println("  " + ids.size() + " " + reason + ": " + Texts.firstOf(ids, IDS_SHOWN)));
    }
}
