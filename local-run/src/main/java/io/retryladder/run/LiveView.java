package io.retryladder.run;

import io.retryladder.run.LoadGenerator.LoadProgress;
import io.retryladder.run.WorkerStatus.BreakerState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The view of a run in progress: redrawn in place with ANSI escape codes on a terminal, or printed as
 * one plain line every {@value #PLAIN_INTERVAL_SECONDS} seconds otherwise.
 */
final class LiveView {

    /** Drawing style of the view. */
    enum Mode {
        /** Redrawn in place with ANSI escape codes, for a terminal. */
        ANSI,
        /** One plain line every few seconds, for a log or a pipe. */
        PLAIN
    }

    static final int PLAIN_INTERVAL_SECONDS = 5;
    /** Environment variable with the width of the terminal, which {@code ./run-local} sets. */
    static final String COLUMNS_VARIABLE = "RUN_LOCAL_COLUMNS";

    static final int DEFAULT_COLUMNS = 80;

    private static final String CURSOR_UP_LINES = "\u001b[%dF";
    private static final String CLEAR_TO_LINE_END = "\u001b[K";
    private static final String CLEAR_TO_SCREEN_END = "\u001b[J";

    private final PrintStream out;
    private final Mode mode;
    private final int columns;
    private int linesDrawn;
    private long lastPlainNanos;

    /**
     * @param columns width of the terminal; in ANSI mode longer lines are cut, because a wrapped line
     *     would throw the redraw off by one line
     */
    LiveView(PrintStream out, Mode mode, int columns) {
        this.out = out;
        this.mode = mode;
        this.columns = columns;
    }

    /**
     * Returns the terminal width that {@code ./run-local} passes in {@value #COLUMNS_VARIABLE}, or
     * {@value #DEFAULT_COLUMNS} when it is unset or not a number.
     */
    static int terminalColumns(String value) {
        try {
            int columns = value == null ? DEFAULT_COLUMNS : Integer.parseInt(value.strip());
            return columns >= 20 ? columns : DEFAULT_COLUMNS;
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }

    /** Shows {@code state}: at once in ANSI mode, in plain mode only when the last line is old enough. */
    void show(State state) {
        if (mode == Mode.ANSI) {
            redraw(render(state));
            return;
        }
        long now = System.nanoTime();
        if (lastPlainNanos == 0 || now - lastPlainNanos >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
            out.println(renderLine(state));
            lastPlainNanos = now;
        }
    }

    /** Shows the last state; in plain mode it is printed whatever the time since the last line. */
    void showFinal(State state) {
        if (mode == Mode.ANSI) {
            redraw(render(state));
        } else {
            out.println(renderLine(state));
        }
        out.println();
        linesDrawn = 0;
    }

    private void redraw(List<String> lines) {
        StringBuilder frame = new StringBuilder();
        if (linesDrawn > 0) {
            frame.append(String.format(Locale.ROOT, CURSOR_UP_LINES, linesDrawn));
        }
        for (String line : lines) {
            String visible = line.length() < columns ? line : line.substring(0, columns - 1);
            frame.append(visible).append(CLEAR_TO_LINE_END).append('\n');
        }
        frame.append(CLEAR_TO_SCREEN_END);
        out.print(frame);
        out.flush();
        linesDrawn = lines.size();
    }

    /** Returns the lines of the in-place view. */
    static List<String> render(State state) {
        List<String> lines = new ArrayList<>();
        LoadProgress load = state.load();
        WorkerStatus workers = state.workers();
        lines.add("Retry Ladder local run   " + formatElapsed(state.elapsed()) + "   " + state.phase());
        lines.add(String.format(
                Locale.ROOT,
                "Load         %d of %d called, %d first calls in flight, longest %d ms",
                load.started(),
                load.operations(),
                load.inFlight(),
                load.maxFirstCallMs()));
        lines.add(String.format(
                Locale.ROOT,
                "Downstream   %d calls, %d in flight%s",
                state.downstreamCalls(),
                state.downstreamInFlight(),
                state.downstreamNote().isEmpty() ? "" : "   " + state.downstreamNote()));
        lines.add("  responses  " + responses(state.responsesByStatus()));
        lines.add("");

        addTierTable(lines, workers);
        lines.add(String.format(
                Locale.ROOT,
                "Workers      %d calls in flight, %d of %d paused",
                workers.callsInFlight(),
                workers.pausedWorkers(),
                workers.workers()));
        lines.add("  attempts   " + attempts(workers.attemptsByOutcome()));
        addBreakers(lines, workers.breakerStates());
        lines.add("");

        lines.add(String.format(
                Locale.ROOT,
                "First calls  %d succeeded, %d not retryable, %d published, %d failed",
                load.succeededAtFirstCall(),
                load.notRetryable(),
                state.published(),
                load.failed()));
        lines.add(String.format(
                Locale.ROOT,
                "Published    %d = %d succeeded + %d dead-lettered + %d pending",
                state.published(),
                state.succeeded(),
                state.deadLettered(),
                state.pending()));
        return lines;
    }

    /** Returns the single line of the plain view. */
    static String renderLine(State state) {
        WorkerStatus workers = state.workers();
        List<String> tiers = new ArrayList<>();
        workers.waitingByTier().forEach((tier, waiting) -> tiers.add(tier + " " + waiting));
        return String.format(
                Locale.ROOT,
                "[%s] %s: called %d/%d, published %d, succeeded %d, dead-lettered %d, pending %d; waiting %s;"
                        + " in flight %d; paused %d of %d; breakers %s; lateness p99 %s%s",
                formatElapsed(state.elapsed()),
                state.phase(),
                state.load().started(),
                state.load().operations(),
                state.published(),
                state.succeeded(),
                state.deadLettered(),
                state.pending(),
                String.join(", ", tiers),
                workers.callsInFlight(),
                workers.pausedWorkers(),
                workers.workers(),
                breakersInline(workers.breakerStates()),
                latenessInline(workers),
                state.downstreamNote().isEmpty() ? "" : "; " + state.downstreamNote());
    }

    /** Formats a duration as minutes and seconds, such as 01:07. */
    static String formatElapsed(Duration elapsed) {
        long seconds = Math.max(0, elapsed.toSeconds());
        return String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
    }

    private static void addTierTable(List<String> lines, WorkerStatus workers) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-24s", "Tier"));
        StringBuilder waiting = new StringBuilder(String.format(Locale.ROOT, "%-24s", "  waiting records"));
        StringBuilder lateness = new StringBuilder(String.format(Locale.ROOT, "%-24s", "  lateness p99 (ms)"));
        for (Map.Entry<String, Long> tier : workers.waitingByTier().entrySet()) {
            int width = Math.max(10, tier.getKey().length() + 2);
            header.append(String.format(Locale.ROOT, "%" + width + "s", tier.getKey()));
            waiting.append(String.format(Locale.ROOT, "%" + width + "d", tier.getValue()));
            Double p99 = workers.latenessP99MsByTier().get(tier.getKey());
            lateness.append(String.format(Locale.ROOT, "%" + width + "s", p99 == null ? "-" : Math.round(p99)));
        }
        lines.add(header.toString());
        lines.add(waiting.toString());
        lines.add(lateness.toString());
    }

    private static void addBreakers(List<String> lines, Map<String, Map<String, BreakerState>> breakers) {
        if (breakers.isEmpty()) {
            lines.add("Breakers     no target called yet");
            return;
        }
        String label = "Breakers     ";
        for (Map.Entry<String, Map<String, BreakerState>> target : breakers.entrySet()) {
            List<String> states = new ArrayList<>();
            target.getValue().forEach((worker, state) -> states.add(worker + " " + state));
            lines.add(label + target.getKey() + "   " + String.join(", ", states));
            label = "             ";
        }
    }

    private static String breakersInline(Map<String, Map<String, BreakerState>> breakers) {
        List<String> states = new ArrayList<>();
        breakers.values().forEach(byWorker -> byWorker.forEach((worker, state) -> states.add(worker + " " + state)));
        return states.isEmpty() ? "none yet" : String.join(", ", states);
    }

    private static String latenessInline(WorkerStatus workers) {
        List<String> parts = new ArrayList<>();
        workers.waitingByTier().keySet().forEach(tier -> {
            Double p99 = workers.latenessP99MsByTier().get(tier);
            parts.add(tier + " " + (p99 == null ? "-" : Math.round(p99) + " ms"));
        });
        return String.join(", ", parts);
    }

    private static String responses(Map<Integer, Long> responsesByStatus) {
        if (responsesByStatus.isEmpty()) {
            return "none yet";
        }
        List<String> parts = new ArrayList<>();
        responsesByStatus.forEach((status, count) -> parts.add(status + ": " + count));
        return String.join(", ", parts);
    }

    private static String attempts(Map<String, Long> attemptsByOutcome) {
        if (attemptsByOutcome.isEmpty()) {
            return "none yet";
        }
        List<String> parts = new ArrayList<>();
        attemptsByOutcome.forEach((outcome, count) -> parts.add(outcome.replace('_', ' ') + " " + count));
        return String.join(", ", parts);
    }

    /**
     * The figures the view shows at one moment.
     *
     * @param phase what the run is doing, such as "load running" or "waiting for pending operations"
     * @param downstreamNote the state of the scripted outage, or empty
     */
    record State(
            Duration elapsed,
            String phase,
            LoadProgress load,
            long downstreamCalls,
            int downstreamInFlight,
            Map<Integer, Long> responsesByStatus,
            String downstreamNote,
            WorkerStatus workers,
            long published,
            long succeeded,
            long deadLettered,
            long pending) {}
}
