package io.retryladder.envelope;

import io.retryladder.envelope.avro.CallerHeader;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.ErrorInfo;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpHeader;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.avro.Origin;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Envelopes for tests. */
public final class TestOperations {

    private TestOperations() {}

    /** Returns an HTTP operation after its first failed attempt, due one second later. */
    public static FailedOperation.Builder http(String idempotencyKey, String url) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpRequest request = HttpRequest.newBuilder()
                .setMethod("POST")
                .setUrl(url)
                .setHeaders(List.of(new HttpHeader("Content-Type", "application/json", null)))
                .setBody(ByteBuffer.wrap("{\"amount\":42}".getBytes(StandardCharsets.UTF_8)))
                .setTimeoutMs(null)
                .build();
        return base(idempotencyKey, now).setRequest(request);
    }

    /** Returns a custom operation with the given payload, which may be null. */
    public static FailedOperation.Builder custom(String idempotencyKey, String type, byte[] payload) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CustomOperation request = new CustomOperation(type, payload == null ? null : ByteBuffer.wrap(payload));
        return base(idempotencyKey, now).setRequest(request);
    }

    /** Returns caller headers that are hard to carry: invalid UTF-8, null, empty and duplicates. */
    public static List<CallerHeader> awkwardHeaders() {
        List<CallerHeader> headers = new ArrayList<>();
        headers.add(new CallerHeader("trace", ByteBuffer.wrap(new byte[] {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF})));
        headers.add(new CallerHeader("nothing", null));
        headers.add(new CallerHeader("empty", ByteBuffer.wrap(new byte[0])));
        headers.add(new CallerHeader("dup", ByteBuffer.wrap("first".getBytes(StandardCharsets.UTF_8))));
        headers.add(new CallerHeader("dup", ByteBuffer.wrap("second".getBytes(StandardCharsets.UTF_8))));
        return headers;
    }

    private static FailedOperation.Builder base(String idempotencyKey, Instant now) {
        return FailedOperation.newBuilder()
                .setIdempotencyKey(idempotencyKey)
                .setOperationId(UUID.randomUUID().toString())
                .setAttempt(1)
                .setMaxAttempts(4)
                .setFirstFailureAt(now)
                .setLastFailureAt(now)
                .setDueAt(now.plusSeconds(1))
                .setLastError(new ErrorInfo(ErrorKind.HTTP_STATUS, "HTTP 503", 503, true))
                .setOrigin(new Origin("checkout", "orders", 3, 42L))
                .setHop(null)
                .setDeadLetter(null)
                .setReplayId(null)
                .setCallerHeaders(new ArrayList<>())
                .setHistory(new ArrayList<>());
    }
}
