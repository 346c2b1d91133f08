package io.retryladder.envelope.config;

import java.util.BitSet;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/** A set of HTTP status codes written as codes and ranges, such as {@code 408,429,500-599}. */
public final class StatusRanges {

    private final BitSet statuses;

    private StatusRanges(BitSet statuses) {
        this.statuses = statuses;
    }

    /**
     * Parses entries such as {@code 429} or {@code 500-599}.
     *
     * @throws ConfigException naming {@code setting} when an entry is not a status or a range of them
     */
    public static StatusRanges parse(String setting, List<String> entries) {
        BitSet statuses = new BitSet(600);
        for (String raw : entries) {
            String entry = raw.strip();
            String[] bounds = entry.split("-", -1);
            if (bounds.length > 2) {
                throw new ConfigException(
                        setting, entries, "'" + entry + "' is neither a status nor a range like 500-599");
            }
            int low = parseStatus(setting, entries, bounds[0]);
            int high = bounds.length == 2 ? parseStatus(setting, entries, bounds[1]) : low;
            if (high < low) {
                throw new ConfigException(setting, entries, "range '" + entry + "' ends before it starts");
            }
            statuses.set(low, high + 1);
        }
        return new StatusRanges(statuses);
    }

    public boolean contains(int status) {
        return status >= 0 && statuses.get(status);
    }

    private static int parseStatus(String setting, List<String> entries, String text) {
        try {
            int status = Integer.parseInt(text.strip());
            if (status < 100 || status > 599) {
                throw new ConfigException(setting, entries, "HTTP statuses lie between 100 and 599, got " + status);
            }
            return status;
        } catch (NumberFormatException e) {
            throw new ConfigException(setting, entries, "'" + text + "' is not an HTTP status code");
        }
    }
}
