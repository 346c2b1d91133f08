package io.retryladder.dlq.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of a dead letter: its partition and offset in the dead-letter topic, written
 * {@code <partition>:<offset>}, for example {@code 0:42}. It stays the same for the life of the
 * record.
 */
public record EntryId(int partition, long offset) implements Comparable<EntryId> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9}):(\\d{1,18})");

    public EntryId {
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException(
                    "Partition and offset must not be negative, got " + partition + ":" + offset);
        }
    }

    /**
     * Parses an id written as {@code <partition>:<offset>}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static EntryId parse(String text) {
        Matcher matcher = FORMAT.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Invalid dead-letter id '" + text
                    + "': expected <partition>:<offset> as list prints it, for example 0:42");
        }
        return new EntryId(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)));
    }

    @Override
    public int compareTo(EntryId other) {
        int byPartition = Integer.compare(partition, other.partition);
        return byPartition != 0 ? byPartition : Long.compare(offset, other.offset);
    }

    @Override
    public String toString() {
        return partition + ":" + offset;
    }
}
