package io.retryladder.dlq.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A range of whole numbers given as {@code N}, {@code N-M} or {@code N+}, bounds included. */
public record IntRange(int min, int max) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(?:(\\+)|-(\\d{1,9}))?");

    /**
     * Parses a range.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static IntRange parse(String text) {
        Matcher matcher = FORMAT.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "Invalid range '" + text + "': expected N, N-M or N+, for example 4, 2-4 or 3+");
        }
        int min = Integer.parseInt(matcher.group(1));
        if (matcher.group(2) != null) {
            return new IntRange(min, Integer.MAX_VALUE);
        }
        int max = matcher.group(3) == null ? min : Integer.parseInt(matcher.group(3));
        if (max < min) {
            throw new IllegalArgumentException("Invalid range '" + text + "': it ends before it starts");
        }
        return new IntRange(min, max);
    }

    public boolean contains(int value) {
        return value >= min && value <= max;
    }
}
