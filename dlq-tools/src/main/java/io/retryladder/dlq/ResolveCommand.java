package io.retryladder.dlq;

import io.retryladder.dlq.internal.CompactedTopics;
import io.retryladder.dlq.internal.DeadLetterEntry;
import io.retryladder.dlq.internal.EntryFilter;
import io.retryladder.dlq.internal.EntryId;
import io.retryladder.dlq.internal.Resolution;
import io.retryladder.dlq.internal.Resolutions;
import io.retryladder.dlq.internal.Texts;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "resolve",
        mixinStandardHelpOptions = true,
        description = {
            "Marks dead letters as handled, by id or by filters, so that list, stats, export and replay leave"
                    + " them out unless --include-resolved is given.",
            "Resolutions live in a compacted topic (dlq.resolved.topic, created when missing); nothing is"
                    + " deleted from the dead-letter topic. --undo removes resolutions again."
        })
final class ResolveCommand implements Callable<Integer> {

    @ParentCommand
    DlqToolsCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FilterOptions filters;

    @Parameters(
            paramLabel = "ID",
            arity = "0..*",
            description = "Ids of the dead letters to resolve, <partition>:<offset>; filters narrow them further.")
    List<EntryId> ids = new ArrayList<>();

    @Option(
            names = "--note",
            paramLabel = "TEXT",
            description = "Why the entries are resolved, kept with each resolution.")
    String note;

    @Option(names = "--undo", description = "Remove the resolutions of the selected entries instead.")
    boolean undo;

    @Option(
            names = "--all",
            description = "Resolve every entry the filters select, also when no id or filter is given.")
    boolean all;

    @Option(names = "--dry-run", description = "Print what would be resolved and change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        EntryFilter filter = filters.toFilter(parent.context.clock(), new HashSet<>(ids));
        if (!filter.isRestricted() && !all) {
            throw ToolException.usage(
                    "resolve needs ids or at least one filter; pass --all to resolve every dead letter");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Session session = Session.open(connection, parent.context, "resolve")) {
            Resolutions resolutions = session.resolutions();
            Set<EntryId> found = new HashSet<>();
            List<DeadLetterEntry> selected = new ArrayList<>();
            session.deadLetters.scan(session.deadLetters.endOffsets(), entry -> {
                if (!filter.matches(entry)) {
                    return;
                }
                found.add(entry.id());
                boolean resolved = resolutions.isResolved(entry);
                if (undo ? resolved : !resolved) {
                    selected.add(entry);
                }
            });
            List<EntryId> missing =
                    ids.stream().filter(id -> !found.contains(id)).toList();
            String verb = undo ? "unresolve" : "resolve";
            if (dryRun) {
                out.println("Dry run: would " + verb + " " + Texts.deadLetters(selected.size()) + listed(selected));
            } else if (!selected.isEmpty()) {
                write(session, resolutions, selected);
                out.println(
                        (undo ? "Unresolved " : "Resolved ") + Texts.deadLetters(selected.size()) + listed(selected));
            } else {
                out.println("Nothing to " + verb + ": no selected entry is " + (undo ? "resolved" : "unresolved"));
            }
            if (!missing.isEmpty()) {
                out.println("Not found in " + session.deadLetters.name() + ": " + Texts.firstOf(missing, 20));
                out.flush();
                return ExitCodes.PARTIAL;
            }
        }
        out.flush();
        return ExitCodes.SUCCESS;
    }

    private void write(Session session, Resolutions resolutions, List<DeadLetterEntry> selected) {
        Instant now = parent.context.clock().instant();
        String user = System.getProperty("user.name");
        List<Resolution> records = new ArrayList<>();
        for (DeadLetterEntry entry : selected) {
            records.add(new Resolution(
                    entry.id(),
                    entry.envelope() == null ? null : entry.envelope().getOperationId(),
                    entry.idempotencyKey(),
                    now,
                    user,
                    note));
        }
        CompactedTopics.ensure(session.clients, session.config.resolvedTopic());
        try (KafkaProducer<byte[], byte[]> producer = session.clients.producer("resolve", null, null)) {
            resolutions.write(producer, records, undo);
        }
    }

    private static String listed(List<DeadLetterEntry> entries) {
        return entries.isEmpty()
                ? ""
                : ": " + Texts.firstOf(entries.stream().map(DeadLetterEntry::id).toList(), 20);
    }
}
