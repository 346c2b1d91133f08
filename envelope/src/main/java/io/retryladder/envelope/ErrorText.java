package io.retryladder.envelope;

/** Caps error text so that records and headers do not grow with long messages. */
public final class ErrorText {

    /** Default cap of an error message carried in the envelope, in characters. */
    public static final int DEFAULT_MESSAGE_MAX_CHARS = 1024;

    /** Cap of an error message carried in a history entry or a record header, in characters. */
    public static final int SHORT_MESSAGE_MAX_CHARS = 256;

    private static final String TRUNCATED_MARK = "... [truncated]";

    private ErrorText() {}

    /**
     * Returns {@code text} unchanged when it has at most {@code maxChars} characters, and otherwise
     * its start followed by a truncation mark, {@code maxChars} characters in all. A null text
     * becomes an empty string.
     */
    public static String cap(String text, int maxChars) {
        if (maxChars < TRUNCATED_MARK.length() + 1) {
            throw new IllegalArgumentException(
                    "maxChars must be at least " + (TRUNCATED_MARK.length() + 1) + ", got " + maxChars);
        }
        if (text == null) {
            return "";
        }
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars - TRUNCATED_MARK.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + TRUNCATED_MARK;
    }
}
