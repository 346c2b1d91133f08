package io.retryladder.dlq.internal;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with left-aligned columns, for people reading a terminal. */
public final class TextTable {

    private final List<String> headings;
    private final int[] maxWidths;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param headings the column headings
     * @param maxWidths the widest each column may be, in characters; longer cells end in "..."
     */
    public TextTable(List<String> headings, int... maxWidths) {
        if (maxWidths.length != headings.size()) {
            throw new IllegalArgumentException(
                    "Expected one maximum width per column, got " + maxWidths.length + " for " + headings.size());
        }
        this.headings = List.copyOf(headings);
        this.maxWidths = maxWidths.clone();
    }

    public void add(String... cells) {
        if (cells.length != headings.size()) {
            throw new IllegalArgumentException("Expected " + headings.size() + " cells, got " + cells.length);
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = fit(cells[i] == null ? "-" : cells[i], maxWidths[i]);
        }
        rows.add(row);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headings.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headings.get(i).length();
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        printRow(out, headings.toArray(String[]::new), widths);
        for (String[] row : rows) {
            printRow(out, row, widths);
        }
    }

    private static void printRow(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(cells[i]);
            if (i < cells.length - 1) {
                line.append(" ".repeat(widths[i] - cells[i].length() + 2));
            }
        }
        out.println(line.toString().stripTrailing());
    }

    private static String fit(String text, int maxWidth) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        return oneLine.length() <= maxWidth ? oneLine : oneLine.substring(0, maxWidth - 3) + "...";
    }
}
