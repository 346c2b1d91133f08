package io.retryladder.envelope;

import io.retryladder.envelope.avro.CallerHeader;
import io.retryladder.envelope.avro.FailedOperation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The record headers of tier and dead-letter records.
 *
 * <p>Every record carries the caller's headers first, byte for byte and in their original order,
 * followed by one copy of each pipeline header. Pipeline headers are rebuilt from the envelope on
 * every hop, so they never accumulate. The envelope stays the source of truth: the headers are a
 * copy for tools that read headers only, such as kcat.
 */
public final class PipelineHeaders {

    /** Prefix reserved for pipeline headers; caller headers must not use it. */
    public static final String RESERVED_PREFIX = "retry.";

    public static final String OPERATION_ID = "retry.operation.id";
    public static final String ATTEMPT = "retry.attempt";
    public static final String MAX_ATTEMPTS = "retry.max.attempts";
    public static final String DUE_AT_MS = "retry.due.at.ms";
    public static final String ERROR_KIND = "retry.error.kind";
    public static final String ERROR_MESSAGE = "retry.error.message";
    public static final String HTTP_STATUS = "retry.http.status";
    public static final String DEAD_LETTER_REASON = "retry.dead.letter.reason";
    public static final String REPLAY_ID = "retry.replay.id";

    /**
     * Marks a record on a tier topic that is not an envelope but the result of an attempt, handed
     * from the worker that made the call to the worker that now owns the record's task.
     */
    public static final String OUTCOME_REPORT = "retry.outcome.report";

    /** Set on raw records parked in the dead-letter topic because they could not be decoded. */
    public static final String PARKED_REASON = "retry.parked.reason";

    public static final String SOURCE_TOPIC = "retry.source.topic";
    public static final String SOURCE_PARTITION = "retry.source.partition";
    public static final String SOURCE_OFFSET = "retry.source.offset";

    private PipelineHeaders() {}

    /** Builds the headers of a record that carries {@code operation}. */
    public static Headers forEnvelope(FailedOperation operation) {
        RecordHeaders headers = new RecordHeaders();
        for (CallerHeader header : operation.getCallerHeaders()) {
            headers.add(new RecordHeader(header.getName(), toBytes(header.getValue())));
        }
        add(headers, OPERATION_ID, operation.getOperationId());
        add(headers, ATTEMPT, Integer.toString(operation.getAttempt()));
        add(headers, MAX_ATTEMPTS, Integer.toString(operation.getMaxAttempts()));
        add(headers, DUE_AT_MS, Long.toString(operation.getDueAt().toEpochMilli()));
        add(headers, ERROR_KIND, operation.getLastError().getKind().name());
        add(
                headers,
                ERROR_MESSAGE,
                ErrorText.cap(operation.getLastError().getMessage(), ErrorText.SHORT_MESSAGE_MAX_CHARS));
        if (operation.getLastError().getHttpStatus() != null) {
            add(headers, HTTP_STATUS, operation.getLastError().getHttpStatus().toString());
        }
        if (operation.getDeadLetter() != null) {
            add(
                    headers,
                    DEAD_LETTER_REASON,
                    operation.getDeadLetter().getReason().name());
        }
        if (operation.getReplayId() != null) {
            add(headers, REPLAY_ID, operation.getReplayId());
        }
        return headers;
    }

    /**
     * Returns the headers of a raw record parked in the dead-letter topic: its own headers without
     * earlier pipeline headers, then the reason and where it was read.
     */
    public static Headers forParkedRecord(
            Headers original, String reason, String sourceTopic, int sourcePartition, long sourceOffset) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original) {
            if (!header.key().startsWith(RESERVED_PREFIX)) {
                headers.add(header);
            }
        }
        add(headers, PARKED_REASON, ErrorText.cap(reason, ErrorText.SHORT_MESSAGE_MAX_CHARS));
        add(headers, SOURCE_TOPIC, sourceTopic);
        add(headers, SOURCE_PARTITION, Integer.toString(sourcePartition));
        add(headers, SOURCE_OFFSET, Long.toString(sourceOffset));
        return headers;
    }

    /** Copies Kafka record headers into envelope caller headers, byte for byte and in order. */
    public static List<CallerHeader> toCallerHeaders(Iterable<Header> headers) {
        List<CallerHeader> callerHeaders = new ArrayList<>();
        for (Header header : headers) {
            byte[] value = header.value();
            callerHeaders.add(new CallerHeader(header.key(), value == null ? null : ByteBuffer.wrap(value.clone())));
        }
        return callerHeaders;
    }

    /** Returns the value of the last header named {@code name} as UTF-8 text, or null. */
    public static String lastText(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
