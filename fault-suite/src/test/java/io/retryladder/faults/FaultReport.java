package io.retryladder.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Collects one row per scenario and, when the test run ends, prints the table and writes it to the
 * file named by the system property {@value #REPORT_PROPERTY}.
 */
final class FaultReport implements BeforeAllCallback {

    static final String REPORT_PROPERTY = "faults.report";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FaultReport.class);
    private static final List<Row> rows = new ArrayList<>();

    /**
     * One scenario's line of the table.
     *
     * @param faults what was injected and how often
     * @param repeats effects repeated across worker kills, and the bound the scenario allows
     * @param note further counts, such as late effects or parked records
     */
    record Row(
            String scenario,
            int operations,
            String faults,
            int lost,
            int duplicated,
            String repeats,
            String note,
            long seconds) {}

    static synchronized void add(Row row) {
        rows.add(row);
        System.out.printf(
                Locale.ROOT,
                "[faults] %s: %d operations, %s, lost %d, duplicated %d, repeats %s (%d s)%n",
                row.scenario(),
                row.operations(),
                row.faults(),
                row.lost(),
                row.duplicated(),
                row.repeats(),
                row.seconds());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Printer.class, key -> new Printer(), Printer.class);
    }

    static synchronized String table(long totalSeconds) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {
            "scenario", "operations", "faults injected", "lost", "duplicated", "repeats after kills (bound)", "seconds"
        });
        for (Row row : rows) {
            lines.add(new String[] {
                row.scenario(),
                Integer.toString(row.operations()),
                row.faults(),
                Integer.toString(row.lost()),
                Integer.toString(row.duplicated()),
                row.repeats(),
                Long.toString(row.seconds())
            });
        }
        int[] widths = new int[lines.get(0).length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (int l = 0; l < lines.size(); l++) {
            appendLine(text, lines.get(l), widths);
            if (l == 0) {
                String[] rule = new String[widths.length];
                for (int i = 0; i < widths.length; i++) {
                    rule[i] = "-".repeat(widths[i]);
                }
                appendLine(text, rule, widths);
            }
        }
        for (Row row : rows) {
            if (!row.note().isEmpty()) {
                text.append(row.scenario()).append(": ").append(row.note()).append('\n');
            }
        }
        text.append("Total ")
                .append(totalSeconds)
                .append(" s, finished ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append('\n');
        return text.toString();
    }

    private static void appendLine(StringBuilder text, String[] cells, int[] widths) {
        text.append("| ");
        for (int i = 0; i < cells.length; i++) {
            text.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", cells[i]))
                    .append(" | ");
        }
        text.setLength(text.length() - 1);
        text.append('\n');
    }

    /** Prints the table when JUnit closes the root context, after the last scenario. */
    private static final class Printer implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final long startNanos = System.nanoTime();

        @Override
        public void close() {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
            String table = table(seconds);
            System.out.println();
            System.out.println("Fault-injection suite");
            System.out.print(table);
            String file = System.getProperty(REPORT_PROPERTY, "target/fault-report.txt");
            try {
                Path path = Path.of(file);
                Files.createDirectories(path.toAbsolutePath().getParent());
                Files.writeString(path, table, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Failed to write the fault report to " + file, e);
            }
        }
    }
}
