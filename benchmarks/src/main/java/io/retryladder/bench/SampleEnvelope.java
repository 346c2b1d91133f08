package io.retryladder.bench;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.avro.ErrorInfo;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HistoryEvent;
import io.retryladder.envelope.avro.HttpHeader;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.avro.Origin;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;

/**
 * An envelope shaped like those the benchmark's publisher writes to the first tier: an HTTP POST to
 * the loopback downstream with a Content-Type header, the workload's JSON body, attempt 1 failed
 * with HTTP 503, and one history entry.
 */
public final class SampleEnvelope {

    private SampleEnvelope() {}

    public static FailedOperation of(String key, int payloadBytes) {
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        String message = "HTTP 503 from POST 127.0.0.1";
        HistoryEntry failure = HistoryEntry.newBuilder()
                .setAt(now)
                .setEvent(HistoryEvent.ATTEMPT_FAILED)
                .setAttempt(1)
                .setErrorKind(ErrorKind.HTTP_STATUS)
                .setHttpStatus(503)
                .setMessage(message)
                .setReplayId(null)
                .build();
        HttpRequest request = HttpRequest.newBuilder()
                .setMethod("POST")
                .setUrl("http://127.0.0.1:40000/operations")
                .setHeaders(List.of(new HttpHeader("Content-Type", "application/json", null)))
                .setBody(ByteBuffer.wrap(Workload.payload(key, payloadBytes)))
                .setTimeoutMs(null)
                .build();
        return FailedOperation.newBuilder()
                .setIdempotencyKey(key)
                .setOperationId(UUID.randomUUID().toString())
                .setRequest(request)
                .setAttempt(1)
                .setMaxAttempts(Workload.MAX_ATTEMPTS)
                .setFirstFailureAt(now)
                .setLastFailureAt(now)
                .setDueAt(now.plusMillis(750))
                .setLastError(new ErrorInfo(ErrorKind.HTTP_STATUS, message, 503, true))
                .setOrigin(new Origin("bench", null, null, null))
                .setHop(null)
                .setDeadLetter(null)
                .setReplayCount(0)
                .setReplayId(null)
                .setTotalAttempts(1)
                .setCallerHeaders(new ArrayList<>())
                .setHistory(new ArrayList<>(List.of(failure)))
                .build();
    }

    /** Returns the record headers the pipeline writes with this envelope. */
    public static Headers headers(FailedOperation envelope) {
        return PipelineHeaders.forEnvelope(envelope);
    }
}
