package io.retryladder.dlq.internal;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Shows how far a replay has come: on a terminal a bar redrawn in place, otherwise a plain line at
 * most every {@value #LINE_INTERVAL_SECONDS} seconds. Both show the rate and the estimated time left.
 */
public final class Progress {

    private static final int BAR_WIDTH = 30;
    private static final long LINE_INTERVAL_SECONDS = 5;

    private final PrintWriter out;
    private final boolean terminal;
    private final long total;
    private final long startNanos;
    private long lastLineNanos;

    /**
     * @param out where progress goes, normally standard error
     * @param terminal whether {@code out} is a terminal that can redraw a line
     * @param total the number of records the replay moves
     */
    public Progress(PrintWriter out, boolean terminal, long total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.startNanos = System.nanoTime();
        this.lastLineNanos = startNanos;
    }

    /** Reports that {@code done} records are committed. */
    public void update(long done) {
        long now = System.nanoTime();
        if (terminal) {
            out.print("\r" + bar(done, now));
            out.flush();
            return;
        }
        if (now - lastLineNanos >= TimeUnit.SECONDS.toNanos(LINE_INTERVAL_SECONDS)) {
            out.println(line(done, now));
            out.flush();
            lastLineNanos = now;
        }
    }

    /** Ends the progress display with the final count. */
    public void finish(long done) {
        long now = System.nanoTime();
        if (terminal) {
            out.println("\r" + bar(done, now));
        } else if (done > 0 || total > 0) {
            out.println(line(done, now));
        }
        out.flush();
    }

    /** Returns the records per second so far. */
    public double rate(long done) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return seconds <= 0 ? 0 : done / seconds;
    }

    private String bar(long done, long now) {
        int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / total);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total + " "
                + percent(done) + "%, " + rateText(done, now) + ", " + timeLeft(done, now) + "   ";
    }

    private String line(long done, long now) {
        return "Replayed " + done + " of " + total + " (" + percent(done) + "%), " + rateText(done, now) + ", "
                + timeLeft(done, now);
    }

    private long percent(long done) {
        return total == 0 ? 100 : 100 * done / total;
    }

    private String rateText(long done, long now) {
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds <= 0 ? 0 : done / seconds;
        return String.format(Locale.ROOT, "%.1f records/s", rate);
    }

    private String timeLeft(long done, long now) {
        if (done >= total) {
            return "done";
        }
        if (done == 0) {
            return "time left unknown";
        }
        double seconds = (now - startNanos) / 1e9;
        long left = Math.round(seconds / done * (total - done));
        return "about " + format(left) + " left";
    }

    private static String format(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds / 60 % 60 + " min";
    }
}
