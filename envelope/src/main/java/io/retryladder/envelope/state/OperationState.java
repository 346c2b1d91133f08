package io.retryladder.envelope.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the workers know about one idempotency key: whether its operation is in the ladder, succeeded
 * or was dead-lettered. Workers keep it in a changelogged state store, and dlq-tools reads the
 * changelog topic to skip keys that have meanwhile completed.
 *
 * @param operationId the operation that owns the key
 * @param fingerprint digest of the owning operation's request, see {@code RequestFingerprint}
 * @param acceptedAttempt the attempt number of the most recent record accepted into the ladder
 * @param replayCount the replay count of that record
 * @param updatedAtMs when the state last changed, in epoch milliseconds
 * @param expiresAtMs when a finished key may be forgotten, in epoch milliseconds; 0 while in the ladder
 * @param timerKey the key of the operation's latest entry in the worker's timer store, or null once it
 *     finished. After a move to the next tier the entry is gone until that tier's record arrives.
 */
public record OperationState(
        Status status,
        String operationId,
        byte[] fingerprint,
        int acceptedAttempt,
        int replayCount,
        long updatedAtMs,
        long expiresAtMs,
        byte[] timerKey) {

    private static final byte FORMAT_VERSION = 1;

    /** Where the operation of a key stands. */
    public enum Status {
        IN_LADDER,
        SUCCEEDED,
        DEAD_LETTERED;

        public boolean isFinished() {
            return this != IN_LADDER;
        }
    }

    public OperationState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    public OperationState withStatus(Status newStatus, long nowMs, long newExpiresAtMs) {
        return new OperationState(
                newStatus, operationId, fingerprint, acceptedAttempt, replayCount, nowMs, newExpiresAtMs, null);
    }

    public OperationState withTimerKey(byte[] newTimerKey, long nowMs) {
        return new OperationState(
                status, operationId, fingerprint, acceptedAttempt, replayCount, nowMs, expiresAtMs, newTimerKey);
    }

    public boolean sameRequest(byte[] otherFingerprint) {
        return Arrays.equals(fingerprint, otherFingerprint);
    }

    public byte[] serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeByte(status.ordinal());
            out.writeUTF(operationId);
            writeBytes(out, fingerprint);
            out.writeInt(acceptedAttempt);
            out.writeInt(replayCount);
            out.writeLong(updatedAtMs);
            out.writeLong(expiresAtMs);
            writeBytes(out, timerKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a state written by {@link #serialize()}.
     *
     * @throws IllegalArgumentException when the bytes are not a state of a known format version
     */
    public static OperationState deserialize(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("Unknown operation state format version " + version
                        + "; this reader knows version " + FORMAT_VERSION);
            }
            Status status = Status.values()[in.readByte()];
            return new OperationState(
                    status,
                    in.readUTF(),
                    readBytes(in),
                    in.readInt(),
                    in.readInt(),
                    in.readLong(),
                    in.readLong(),
                    readBytes(in));
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Corrupt operation state: " + e, e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OperationState that
                && status == that.status
                && operationId.equals(that.operationId)
                && Arrays.equals(fingerprint, that.fingerprint)
                && acceptedAttempt == that.acceptedAttempt
                && replayCount == that.replayCount
                && updatedAtMs == that.updatedAtMs
                && expiresAtMs == that.expiresAtMs
                && Arrays.equals(timerKey, that.timerKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, operationId, Arrays.hashCode(fingerprint), acceptedAttempt, replayCount);
    }

    @Override
    public String toString() {
        return "OperationState[" + status + ", operation " + operationId + ", attempt " + acceptedAttempt + ", replay "
                + replayCount + "]";
    }
}
