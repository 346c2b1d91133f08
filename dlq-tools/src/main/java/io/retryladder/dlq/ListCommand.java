package io.retryladder.dlq;

import io.retryladder.dlq.internal.BoundedSelection;
import io.retryladder.dlq.internal.DeadLetterEntry;
import io.retryladder.dlq.internal.EntryFilter;
import io.retryladder.dlq.internal.EntryJson;
import io.retryladder.dlq.internal.Json;
import io.retryladder.dlq.internal.ReplayMarkers;
import io.retryladder.dlq.internal.Resolutions;
import io.retryladder.dlq.internal.TextTable;
import io.retryladder.dlq.internal.Texts;
import io.retryladder.envelope.avro.FailedOperation;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "Lists dead letters that match the filters, oldest first, with the total count.",
            "Reads the dead-letter topic up to its end offsets at the start, committed records only. Entries"
                    + " marked as handled with resolve are left out unless --include-resolved is given."
        })
final class ListCommand implements Callable<Integer> {

    static final Comparator<DeadLetterEntry> BY_TIME =
            Comparator.comparing(DeadLetterEntry::deadLetteredAt).thenComparing(DeadLetterEntry::id);

    @ParentCommand
    DlqToolsCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FilterOptions filters;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table for people, or json for one JSON object per line, for scripts. Default: table.")
    OutputFormat output;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "Print at most N entries; 0 prints every match. The total count covers every match."
                    + " Default: 100.")
    int limit;

    @Option(
            names = "--newest-first",
            description = "Print the newest entries first, and keep the newest under --limit.")
    boolean newestFirst;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw ToolException.usage("--limit must be 0 (no limit) or more, got " + limit);
        }
        try (Session session = Session.open(connection, parent.context, "list")) {
            EntryFilter filter = filters.toFilter(parent.context.clock(), Set.of());
            Map<Integer, Long> ends = session.deadLetters.endOffsets();
            Resolutions resolutions = session.resolutions();
            ReplayMarkers markers = session.markers();
            BoundedSelection<DeadLetterEntry> shown =
                    new BoundedSelection<>(limit, newestFirst ? BY_TIME.reversed() : BY_TIME);
            long[] counts = new long[2];
            session.deadLetters.scan(ends, entry -> {
                if (!filter.matches(entry)) {
                    return;
                }
                if (!filters.includeResolved && resolutions.isResolved(entry)) {
                    counts[1]++;
                    return;
                }
                counts[0]++;
                shown.offer(entry);
            });
            print(shown.sorted(), counts[0], counts[1], resolutions, markers);
        }
        return ExitCodes.SUCCESS;
    }

    private void print(
            List<DeadLetterEntry> entries,
            long total,
            long hiddenResolved,
            Resolutions resolutions,
            ReplayMarkers markers) {
        PrintWriter out = spec.commandLine().getOut();
        String count = entries.size() + " of " + Texts.deadLetters(total) + " shown"
                + (newestFirst ? " (newest first)" : " (oldest first)")
                + (hiddenResolved > 0
                        ? "; " + hiddenResolved + " resolved hidden (--include-resolved shows them)"
                        : "");
        if (output == OutputFormat.JSON) {
            for (DeadLetterEntry entry : entries) {
                out.println(Json.line(EntryJson.summary(entry, resolutions.isResolved(entry), markers.of(entry.id()))));
            }
            out.flush();
            spec.commandLine().getErr().println(count);
            return;
        }
        TextTable table = new TextTable(
                List.of(
                        "ID",
                        "DEAD-LETTERED",
                        "KEY",
                        "REASON",
                        "ERROR",
                        "ATTEMPT",
                        "REPLAYS",
                        "TARGET",
                        "ORIGIN",
                        "STATUS"),
                16,
                20,
                40,
                18,
                40,
                7,
                7,
                32,
                24,
                24);
        for (DeadLetterEntry entry : entries) {
            table.add(row(
                    entry,
                    resolutions.isResolved(entry),
                    !markers.of(entry.id()).isEmpty()));
        }
        if (!table.isEmpty()) {
            table.print(out);
        }
        out.println(count);
    }

    private static String[] row(DeadLetterEntry entry, boolean resolved, boolean replayed) {
        FailedOperation envelope = entry.envelope();
        String status = "";
        if (resolved) {
            status = "resolved";
        } else if (replayed) {
            status = "replayed";
        }
        if (envelope == null) {
            return new String[] {
                entry.id().toString(),
                Texts.time(entry.deadLetteredAt()),
                entry.idempotencyKey(),
                "UNREADABLE",
                entry.unreadableReason(),
                "-",
                "-",
                "-",
                "-",
                status.isEmpty() ? "unreadable" : status + ", unreadable"
            };
        }
        return new String[] {
            entry.id().toString(),
            Texts.time(entry.deadLetteredAt()),
            envelope.getIdempotencyKey(),
            envelope.getDeadLetter() == null
                    ? "-"
                    : envelope.getDeadLetter().getReason().name(),
            Texts.error(envelope.getLastError()),
            envelope.getAttempt() + "/" + envelope.getMaxAttempts(),
            Integer.toString(envelope.getReplayCount()),
            entry.target(),
            envelope.getOrigin().getTopic(),
            status
        };
    }
}
