package io.retryladder.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The worker's timer-store key layout (retry-worker's TimerKeys): the due time as 8 big-endian
 * bytes, so byte order is due-time order, then the operation id, a 0 byte, the replay count and
 * the attempt. The worker keeps the class internal, so the benchmark writes the same bytes itself;
 * a test in this module checks that both agree.
 */
public final class TimerKeyLayout {

    private TimerKeyLayout() {}

    public static byte[] of(long dueAtMs, String operationId, int replayCount, int attempt) {
        byte[] id = operationId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + id.length + 1 + 2 * Integer.BYTES)
                .putLong(Math.max(0, dueAtMs))
                .put(id)
                .put((byte) 0)
                .putInt(replayCount)
                .putInt(attempt)
                .array();
    }

    /** Returns a key greater than every key due at or before {@code nowMs} and smaller than later ones. */
    public static byte[] upperBoundFor(long nowMs) {
        return ByteBuffer.allocate(Long.BYTES + 1)
                .putLong(Math.max(0, nowMs))
                .put((byte) 0xFF)
                .array();
    }

    public static byte[] lowest() {
        return new byte[Long.BYTES];
    }
}
