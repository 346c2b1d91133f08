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
 * The result of an attempt whose task moved to another worker while the call was in flight. The
 * worker that made the call writes it to the tier partition the record came from, and the task's new
 * owner applies it instead of calling again.
 *
 * @param startedAtMs when the attempt started, which identifies it together with the attempt number
 */
public record OutcomeReport(String operationId, int replayCount, int attempt, long startedAtMs, AttemptResult result) {

    private static final int MAGIC = 0x524C4F31;

    public byte[] serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeUTF(operationId);
            out.writeInt(replayCount);
            out.writeInt(attempt);
            out.writeLong(startedAtMs);
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
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not an outcome report: wrong magic number");
            }
            String operationId = in.readUTF();
            int replayCount = in.readInt();
            int attempt = in.readInt();
            long startedAtMs = in.readLong();
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
