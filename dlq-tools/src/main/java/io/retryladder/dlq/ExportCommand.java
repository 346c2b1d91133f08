package io.retryladder.dlq;

import io.retryladder.dlq.internal.BinaryFormat;
import io.retryladder.dlq.internal.EntryFilter;
import io.retryladder.dlq.internal.EntryJson;
import io.retryladder.dlq.internal.Json;
import io.retryladder.dlq.internal.ReplayMarkers;
import io.retryladder.dlq.internal.Resolutions;
import io.retryladder.dlq.internal.Texts;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes the dead letters that match the filters to a JSON lines file, one entry per line in"
                    + " partition and offset order, each as inspect --output json shows it.",
            "The file appears only when the export is complete. Entries marked as handled with resolve are"
                    + " left out unless --include-resolved is given."
        })
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    DlqToolsCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FilterOptions filters;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            required = true,
            description = "File to write, or - for standard output.")
    String file;

    @Option(
            names = "--overwrite",
            description = "Replace FILE when it exists; without it an existing FILE is an error.")
    boolean overwrite;

    @Option(
            names = "--binary",
            paramLabel = "FORMAT",
            defaultValue = "base64",
            description = "How bytes that are not UTF-8 text are written: hex or base64. Default: base64.")
    BinaryFormat binary;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "Write at most N entries; 0 writes every match. Default: 0.")
    long limit;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw ToolException.usage("--limit must be 0 (no limit) or more, got " + limit);
        }
        boolean toStandardOutput = "-".equals(file);
        Path target = toStandardOutput ? null : Path.of(file);
        if (target != null && Files.exists(target) && !overwrite) {
            throw ToolException.usage(
                    "File " + target + " exists; pass --overwrite to replace it, or choose another --file");
        }
        long written;
        try (Session session = Session.open(connection, parent.context, "export")) {
            if (toStandardOutput) {
                written = export(session, spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
            } else {
                written = exportToFile(session, target);
            }
        }
        String where = toStandardOutput ? "standard output" : target.toString();
        spec.commandLine().getErr().println("Exported " + Texts.deadLetters(written) + " to " + where);
        return ExitCodes.SUCCESS;
    }

    private long exportToFile(Session session, Path target) {
        Path directory = target.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, "." + target.getFileName(), ".partial");
            long written;
            try (BufferedWriter writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                written = export(session, writer);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temporary = null;
            return written;
        } catch (IOException | UncheckedIOException e) {
            throw ToolException.failure("Failed to write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    private long export(Session session, Writer writer) {
        EntryFilter filter = filters.toFilter(parent.context.clock(), Set.of());
        Resolutions resolutions = session.resolutions();
        ReplayMarkers markers = session.markers();
        long[] written = new long[1];
        session.deadLetters.scan(session.deadLetters.endOffsets(), entry -> {
            if ((limit > 0 && written[0] >= limit) || !filter.matches(entry)) {
                return;
            }
            if (!filters.includeResolved && resolutions.isResolved(entry)) {
                return;
            }
            String line = Json.line(
                    EntryJson.full(entry, resolutions.of(entry).orElse(null), markers.of(entry.id()), binary));
            try {
                writer.write(line);
                writer.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            written[0]++;
        });
        return written[0];
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // The partial file is hidden (its name starts with a dot); leaving it behind is harmless.
        }
    }
}
