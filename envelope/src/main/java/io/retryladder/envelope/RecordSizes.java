package io.retryladder.envelope;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Estimates how many bytes a record takes in a record batch, to check it against size limits. */
public final class RecordSizes {

    /**
     * Room a record needs below its topic's size limit when it is published, for what the workers add
     * on the way: error text of up to 1024 characters in the envelope and 256 in a header, history
     * entries, the tier position and the dead-letter data. Workers drop history rather than exceed a
     * limit, so this covers the rest with a margin.
     */
    public static final int WORKER_GROWTH_BYTES = 4096;

    /** Upper bound of what a batch holding one record adds around its key, value and headers. */
    static final int BATCH_OVERHEAD_BYTES = 61 + 21;

    private RecordSizes() {}

    /** Returns an upper bound of the size of a one-record batch with this key, value and headers. */
    public static int estimate(byte[] key, byte[] value, Headers headers) {
        long size = BATCH_OVERHEAD_BYTES + length(key) + length(value);
        for (Header header : headers) {
            size += 10 + header.key().length() * 3L + length(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
