package io.retryladder.worker.internal;

import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.worker.AttemptResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A worker's report on an attempt whose task moved away from it: the start of the call, or its
 * result. The worker writes the report to the tier partition the record came from. The task's new
 * owner then waits for the result of a started call, and applies a result instead of calling again.
 *
 * @param startedAtMs when the attempt started, which identifies it together with the attempt number
 * @param result the attempt's result, or null for a call that was still in flight
 */
public record OutcomeReport(String operationId, int replayCount, int attempt, long startedAtMs, AttemptResult result) {

    private static final int MAGIC = 0x524C4F31;
    private static final int START_MAGIC = 0x524C5331;

    /** Returns a report that the call of {@code attempt} started at {@code startedAtMs} and has no result yet. */
    public static OutcomeReport started(String operationId, int replayCount, int attempt, long startedAtMs) {
        return new OutcomeReport(operationId, replayCount, attempt, startedAtMs, null);
    }

    /** Returns true when the report has no result, only the start of the call. */
    public boolean inFlight() {
        return result == null;
    }

    public byte[] serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(result == null ? START_MAGIC : MAGIC);
            out.writeUTF(operationId);
            out.writeInt(replayCount);
            out.writeInt(attempt);
            out.writeLong(startedAtMs);
            if (result == null) {
                return bytes.toByteArray();
            }
            out.writeBoolean(result.succeeded());
            out.writeUTF(result.errorKind() == null ? "" : result.errorKind().name());
            out.writeUTF(result.message().length() > 4096 ? result.message().substring(0, 4096) : result.message());
            out.writeInt(result.httpStatus() == null ? -1 : result.httpStatus());
            out.writeBoolean(result.retryable());
            out.writeLong(result.retryAfter() == null ? -1 : result.retryAfter().toMillis());
            out.writeBoolean(result.overloaded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads a report, or throws IllegalArgumentException when the bytes are not one. */
    public static OutcomeReport deserialize(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("an outcome report needs a value, got null");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int magic = in.readInt();
            if (magic != MAGIC && magic != START_MAGIC) {
                throw new IllegalArgumentException("not an outcome report: wrong magic number");
            }
            String operationId = in.readUTF();
            int replayCount = in.readInt();
            int attempt = in.readInt();
            long startedAtMs = in.readLong();
            if (magic == START_MAGIC) {
                return started(operationId, replayCount, attempt, startedAtMs);
            }
            boolean succeeded = in.readBoolean();
            String kind = in.readUTF();
            String message = in.readUTF();
            int status = in.readInt();
            boolean retryable = in.readBoolean();
            long retryAfterMs = in.readLong();
            boolean overloaded = in.readBoolean();
            AttemptResult result = new AttemptResult(
                    succeeded,
                    kind.isEmpty() ? null : ErrorKind.valueOf(kind),
                    message,
                    status < 0 ? null : status,
                    retryable,
                    retryAfterMs < 0 ? null : Duration.ofMillis(retryAfterMs),
                    overloaded);
            return new OutcomeReport(operationId, replayCount, attempt, startedAtMs, result);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("corrupt outcome report: " + e.getMessage(), e);
        }
    }
}
