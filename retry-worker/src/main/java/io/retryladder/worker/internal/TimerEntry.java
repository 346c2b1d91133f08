package io.retryladder.worker.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A record waiting in the timer store, and where it was read.
 *
 * @param kind what the payload is and what happens when the entry is due
 * @param tierIndex index of the tier the record was read from
 * @param sourceTopic topic of the tier record
 * @param sourcePartition partition of the tier record
 * @param sourceOffset offset of the tier record
 * @param dueAtMs when the attempt was due on the worker's clock, before any deferral
 * @param deferrals how many times an open breaker, a busy target or a rate limit moved the entry later
 * @param rateSlotReserved whether the entry was moved to a slot that the target's rate already granted
 * @param deadLetterBackoffMs the current wait between dead-letter write attempts
 * @param payload for {@link Kind#WAITING} and {@link Kind#DEAD_LETTER} an envelope in single-object
 *     encoding; for {@link Kind#PARKED} a {@link RawRecord}
 */
public record TimerEntry(
        Kind kind,
        int tierIndex,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        long dueAtMs,
        int deferrals,
        boolean rateSlotReserved,
        long deadLetterBackoffMs,
        byte[] payload) {

    private static final byte FORMAT_VERSION = 1;

    /** What a timer entry holds. */
    public enum Kind {
        /** An operation waiting for its next attempt. */
        WAITING,
        /** A finished dead letter waiting for the dead-letter topic to become writable. */
        DEAD_LETTER,
        /** An unreadable record waiting for the dead-letter topic to become writable. */
        PARKED
    }

    public static TimerEntry waiting(
            int tierIndex, String topic, int partition, long offset, long dueAtMs, byte[] envelope) {
        return new TimerEntry(Kind.WAITING, tierIndex, topic, partition, offset, dueAtMs, 0, false, 0, envelope);
    }

    public static TimerEntry parked(
            int tierIndex, String topic, int partition, long offset, long nowMs, long backoffMs, byte[] raw) {
        return new TimerEntry(Kind.PARKED, tierIndex, topic, partition, offset, nowMs, 0, false, backoffMs, raw);
    }

    /** Returns this entry moved later once more. */
    public TimerEntry deferred(boolean slotReserved) {
        return new TimerEntry(
                kind,
                tierIndex,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                dueAtMs,
                deferrals + 1,
                slotReserved,
                deadLetterBackoffMs,
                payload);
    }

    public TimerEntry holding(Kind heldKind, byte[] heldPayload, long backoffMs) {
        return new TimerEntry(
                heldKind,
                tierIndex,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                dueAtMs,
                deferrals,
                false,
                backoffMs,
                heldPayload);
    }

    public TimerEntry withBackoff(long backoffMs) {
        return new TimerEntry(
                kind,
                tierIndex,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                dueAtMs,
                deferrals,
                false,
                backoffMs,
                payload);
    }

    public byte[] serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeByte(kind.ordinal());
            out.writeShort(tierIndex);
            out.writeUTF(sourceTopic);
            out.writeInt(sourcePartition);
            out.writeLong(sourceOffset);
            out.writeLong(dueAtMs);
            out.writeInt(deferrals);
            out.writeBoolean(rateSlotReserved);
            out.writeLong(deadLetterBackoffMs);
            out.writeInt(payload.length);
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static TimerEntry deserialize(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalStateException("Unknown timer entry format version " + version
                        + "; the state store was written by a newer worker, so roll that version out everywhere");
            }
            Kind kind = Kind.values()[in.readByte()];
            int tierIndex = in.readShort();
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long dueAtMs = in.readLong();
            int deferrals = in.readInt();
            boolean reserved = in.readBoolean();
            long backoff = in.readLong();
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            return new TimerEntry(
                    kind, tierIndex, topic, partition, offset, dueAtMs, deferrals, reserved, backoff, payload);
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt timer entry", e);
        }
    }

    /** Returns topic-partition@offset of the tier record, for logs. */
    public String position() {
        return sourceTopic + "-" + sourcePartition + "@" + sourceOffset;
    }
}
