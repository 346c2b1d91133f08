package io.retryladder.producer.internal;

import io.retryladder.envelope.DueTimes;
import io.retryladder.envelope.ErrorText;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.ErrorInfo;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HistoryEvent;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.avro.Origin;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Turns an operation and its first failure into the envelope that enters the first tier. */
public final class EnvelopeFactory {

    private final String serviceName;
    private final DueTimes dueTimes;
    private final SecretHeaderFilter secrets;
    private final int defaultMaxAttempts;
    private final int errorMessageMaxChars;
    private final Clock clock;

    public EnvelopeFactory(
            String serviceName,
            DueTimes dueTimes,
            SecretHeaderFilter secrets,
            int defaultMaxAttempts,
            int errorMessageMaxChars,
            Clock clock) {
        this.serviceName = serviceName;
        this.dueTimes = dueTimes;
        this.secrets = secrets;
        this.defaultMaxAttempts = defaultMaxAttempts;
        this.errorMessageMaxChars = errorMessageMaxChars;
        this.clock = clock;
    }

    public FailedOperation create(Operation operation, Failure failure) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant dueAt = dueTimes.next(dueTimes.ladder().first(), now, Duration.ZERO, failure.retryAfter());
        ErrorInfo error = new ErrorInfo(
                failure.kind(), ErrorText.cap(failure.message(), errorMessageMaxChars), failure.httpStatus(), true);
        HistoryEntry firstFailure = HistoryEntry.newBuilder()
                .setAt(now)
                .setEvent(HistoryEvent.ATTEMPT_FAILED)
                .setAttempt(1)
                .setErrorKind(failure.kind())
                .setHttpStatus(failure.httpStatus())
                .setMessage(ErrorText.cap(failure.message(), ErrorText.SHORT_MESSAGE_MAX_CHARS))
                .setReplayId(null)
                .build();
        return FailedOperation.newBuilder()
                .setIdempotencyKey(operation.idempotencyKey())
                .setOperationId(UUID.randomUUID().toString())
                .setRequest(request(operation))
                .setAttempt(1)
                .setMaxAttempts(operation.maxAttempts() != null ? operation.maxAttempts() : defaultMaxAttempts)
                .setFirstFailureAt(now)
                .setLastFailureAt(now)
                .setDueAt(dueAt)
                .setLastError(error)
                .setOrigin(new Origin(
                        serviceName, operation.originTopic(), operation.originPartition(), operation.originOffset()))
                .setHop(null)
                .setDeadLetter(null)
                .setReplayCount(0)
                .setReplayId(null)
                .setTotalAttempts(1)
                .setCallerHeaders(secrets.callerHeaders(operation.callerHeaders()))
                .setHistory(new ArrayList<>(List.of(firstFailure)))
                .build();
    }

    private Object request(Operation operation) {
        if (operation.kind() == Operation.Kind.CUSTOM) {
            byte[] payload = operation.payload();
            return new CustomOperation(operation.type(), payload == null ? null : ByteBuffer.wrap(payload));
        }
        byte[] body = operation.body();
        Duration timeout = operation.timeout();
        return HttpRequest.newBuilder()
                .setMethod(operation.method())
                .setUrl(operation.url())
                .setHeaders(secrets.httpHeaders(operation.headers()))
                .setBody(body == null ? null : ByteBuffer.wrap(body))
                .setTimeoutMs(timeout == null ? null : (int) timeout.toMillis())
                .build();
    }
}
