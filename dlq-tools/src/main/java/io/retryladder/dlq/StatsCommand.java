package io.retryladder.dlq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retryladder.dlq.internal.DeadLetterEntry;
import io.retryladder.dlq.internal.EntryFilter;
import io.retryladder.dlq.internal.Json;
import io.retryladder.dlq.internal.Resolutions;
import io.retryladder.dlq.internal.TextTable;
import io.retryladder.dlq.internal.Texts;
import io.retryladder.envelope.avro.FailedOperation;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = {
            "Counts the dead letters that match the filters by reason, error kind, target, original topic and"
                    + " day (UTC), and names the oldest and newest entry.",
            "Entries marked as handled with resolve are left out unless --include-resolved is given."
        })
final class StatsCommand implements Callable<Integer> {

    private static final String NONE = "(none)";

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
            description = "table for people, or json for one JSON document, for scripts. Default: table.")
    OutputFormat output;

    @Override
    public Integer call() {
        Counts counts = new Counts();
        try (Session session = Session.open(connection, parent.context, "stats")) {
            EntryFilter filter = filters.toFilter(parent.context.clock(), Set.of());
            Resolutions resolutions = session.resolutions();
            session.deadLetters.scan(session.deadLetters.endOffsets(), entry -> {
                if (!filter.matches(entry)) {
                    return;
                }
                if (!filters.includeResolved && resolutions.isResolved(entry)) {
                    counts.hiddenResolved++;
                    return;
                }
                counts.add(entry);
            });
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.JSON) {
            out.println(Json.pretty(counts.toJson()));
        } else {
            counts.print(out);
        }
        out.flush();
        return ExitCodes.SUCCESS;
    }

    /** The counters of one stats run. */
    private static final class Counts {
        long total;
        long unreadable;
        long hiddenResolved;
        DeadLetterEntry oldest;
        DeadLetterEntry newest;
        final Map<String, Map<String, Long>> groups = new LinkedHashMap<>();

        Counts() {
            for (String group : List.of("reason", "errorKind", "target", "originTopic", "day")) {
                groups.put(group, new TreeMap<>());
            }
        }

        void add(DeadLetterEntry entry) {
            total++;
            if (oldest == null || ListCommand.BY_TIME.compare(entry, oldest) < 0) {
                oldest = entry;
            }
            if (newest == null || ListCommand.BY_TIME.compare(entry, newest) > 0) {
                newest = entry;
            }
            count(
                    "day",
                    entry.deadLetteredAt()
                            .atOffset(ZoneOffset.UTC)
                            .toLocalDate()
                            .toString());
            FailedOperation envelope = entry.envelope();
            if (envelope == null) {
                unreadable++;
                for (String group : List.of("reason", "errorKind", "target", "originTopic")) {
                    count(group, "(unreadable)");
                }
                return;
            }
            count(
                    "reason",
                    envelope.getDeadLetter() == null
                            ? NONE
                            : envelope.getDeadLetter().getReason().name());
            count("errorKind", Texts.error(envelope.getLastError()));
            count("target", entry.target());
            count(
                    "originTopic",
                    envelope.getOrigin().getTopic() == null
                            ? NONE
                            : envelope.getOrigin().getTopic());
        }

        private void count(String group, String value) {
            groups.get(group).merge(value, 1L, Long::sum);
        }

        ObjectNode toJson() {
            ObjectNode json = Json.object();
            json.put("total", total);
            json.put("unreadable", unreadable);
            json.put("resolvedHidden", hiddenResolved);
            json.set("oldest", endpoint(oldest));
            json.set("newest", endpoint(newest));
            groups.forEach((group, values) -> {
                ObjectNode node = json.putObject(group);
                values.forEach(node::put);
            });
            return json;
        }

        private static ObjectNode endpoint(DeadLetterEntry entry) {
            if (entry == null) {
                return null;
            }
            ObjectNode json = Json.object();
            json.put("id", entry.id().toString());
            json.put("deadLetteredAt", Json.time(entry.deadLetteredAt()));
            json.put("idempotencyKey", entry.idempotencyKey());
            return json;
        }

        void print(PrintWriter out) {
            out.println(Texts.deadLetters(total)
                    + (unreadable > 0 ? ", " + unreadable + " of them unreadable" : "")
                    + (hiddenResolved > 0
                            ? "; " + hiddenResolved + " resolved hidden (--include-resolved counts them)"
                            : ""));
            if (total == 0) {
                return;
            }
            out.println("Oldest: " + oldest.id() + " at " + Texts.time(oldest.deadLetteredAt()));
            out.println("Newest: " + newest.id() + " at " + Texts.time(newest.deadLetteredAt()));
            Map<String, String> headings = Map.of(
                    "reason", "REASON",
                    "errorKind", "ERROR",
                    "target", "TARGET",
                    "originTopic", "ORIGINAL TOPIC",
                    "day", "DAY (UTC)");
            groups.forEach((group, values) -> {
                out.println();
                TextTable table = new TextTable(List.of(headings.get(group), "COUNT"), 60, 12);
                Comparator<Map.Entry<String, Long>> order = "day".equals(group)
                        ? Map.Entry.comparingByKey()
                        : Map.Entry.<String, Long>comparingByValue()
                                .reversed()
                                .thenComparing(Map.Entry.comparingByKey());
                values.entrySet().stream()
                        .sorted(order)
                        .forEach(value -> table.add(value.getKey(), Long.toString(value.getValue())));
                table.print(out);
            });
        }
    }
}
