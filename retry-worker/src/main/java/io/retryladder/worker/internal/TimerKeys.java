package io.retryladder.worker.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the timer store: the due time as 8 big-endian bytes, so that the store's byte order is
 * due-time order, followed by the operation id, replay count and attempt, which make the key unique.
 */
public final class TimerKeys {

    private static final byte SEPARATOR = 0;

    private TimerKeys() {}

    public static Bytes of(long dueAtMs, String operationId, int replayCount, int attempt) {
        byte[] id = operationId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES + id.length + 1 + 2 * Integer.BYTES);
        buffer.putLong(Math.max(0, dueAtMs))
                .put(id)
                .put(SEPARATOR)
                .putInt(replayCount)
                .putInt(attempt);
        return Bytes.wrap(buffer.array());
    }

    /** Returns the same key with another due time. */
    public static Bytes withDue(Bytes key, long dueAtMs) {
        byte[] bytes = key.get().clone();
        ByteBuffer.wrap(bytes).putLong(Math.max(0, dueAtMs));
        return Bytes.wrap(bytes);
    }

    /** Returns the due time encoded in a key. */
    public static long dueAtMs(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong();
    }

    /** Returns the smallest possible key. */
    public static Bytes lowest() {
        return Bytes.wrap(new byte[Long.BYTES]);
    }

    /** Returns a key greater than every key due at or before {@code nowMs} and smaller than later ones. */
    public static Bytes upperBoundFor(long nowMs) {
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES + 1);
        buffer.putLong(Math.max(0, nowMs)).put((byte) 0xFF);
        return Bytes.wrap(buffer.array());
    }
}
