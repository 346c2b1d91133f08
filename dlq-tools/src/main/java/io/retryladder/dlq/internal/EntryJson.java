package io.retryladder.dlq.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retryladder.envelope.avro.CallerHeader;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.DeadLetterInfo;
import io.retryladder.envelope.avro.ErrorInfo;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HttpHeader;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.avro.Origin;
import io.retryladder.envelope.avro.TierPosition;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;

/** Writes dead letters as JSON: a one-line summary for list and the full record for inspect and export. */
public final class EntryJson {

    private EntryJson() {}

    /** Returns the fields list shows for an entry. */
    public static ObjectNode summary(DeadLetterEntry entry, boolean resolved, List<ReplayMarker> replays) {
        ObjectNode json = Json.object();
        json.put("id", entry.id().toString());
        json.put("deadLetteredAt", Json.time(entry.deadLetteredAt()));
        json.put("idempotencyKey", entry.idempotencyKey());
        FailedOperation envelope = entry.envelope();
        if (envelope == null) {
            json.put("unreadable", entry.unreadableReason());
        } else {
            json.put("operationId", envelope.getOperationId());
            json.put(
                    "reason",
                    envelope.getDeadLetter() == null
                            ? null
                            : envelope.getDeadLetter().getReason().name());
            json.put("errorKind", envelope.getLastError().getKind().name());
            json.put("httpStatus", envelope.getLastError().getHttpStatus());
            json.put("errorMessage", envelope.getLastError().getMessage());
            json.put("attempt", envelope.getAttempt());
            json.put("maxAttempts", envelope.getMaxAttempts());
            json.put("totalAttempts", envelope.getTotalAttempts());
            json.put("replayCount", envelope.getReplayCount());
            json.put("target", entry.target());
            json.put("originService", envelope.getOrigin().getService());
            json.put("originTopic", envelope.getOrigin().getTopic());
        }
        json.put("resolved", resolved);
        ArrayNode replayIds = json.putArray("replayedBy");
        replays.forEach(marker -> replayIds.add(marker.replayId()));
        return json;
    }

    /**
     * Returns everything about an entry: the record's position, key, headers, the envelope or the raw
     * value with the reason it cannot be read, its resolution and its replays.
     */
    public static ObjectNode full(
            DeadLetterEntry entry, Resolution resolution, List<ReplayMarker> replays, BinaryFormat format) {
        ObjectNode json = Json.object();
        json.put("id", entry.id().toString());
        json.put("topic", entry.topic());
        json.put("partition", entry.partition());
        json.put("offset", entry.offset());
        json.put("timestamp", Json.time(Instant.ofEpochMilli(entry.timestampMs())));
        json.set("key", ByteText.json(entry.key(), format));
        ArrayNode headers = json.putArray("headers");
        for (Header header : entry.headers()) {
            ObjectNode node = headers.addObject();
            node.put("name", header.key());
            node.set("value", ByteText.json(header.value(), format));
        }
        if (entry.envelope() != null) {
            json.set("envelope", envelope(entry.envelope(), format));
        } else {
            json.put("unreadable", entry.unreadableReason());
            json.set("value", ByteText.json(entry.value(), format));
        }
        json.set("resolution", resolution == null ? null : resolution.toJson());
        ArrayNode replayNodes = json.putArray("replays");
        replays.forEach(marker -> replayNodes.add(marker.toJson()));
        return json;
    }

    /** Returns every field of an envelope; bytes fields follow {@link ByteText#json}. */
    public static ObjectNode envelope(FailedOperation envelope, BinaryFormat format) {
        ObjectNode json = Json.object();
        json.put("schemaVersion", envelope.getSchemaVersion());
        json.put("idempotencyKey", envelope.getIdempotencyKey());
        json.put("operationId", envelope.getOperationId());
        json.set("request", request(envelope.getRequest(), format));
        json.put("attempt", envelope.getAttempt());
        json.put("maxAttempts", envelope.getMaxAttempts());
        json.put("totalAttempts", envelope.getTotalAttempts());
        json.put("firstFailureAt", Json.time(envelope.getFirstFailureAt()));
        json.put("lastFailureAt", Json.time(envelope.getLastFailureAt()));
        json.put("dueAt", Json.time(envelope.getDueAt()));
        json.set("lastError", error(envelope.getLastError()));
        json.set("origin", origin(envelope.getOrigin()));
        json.set("hop", hop(envelope.getHop()));
        json.set("deadLetter", deadLetter(envelope.getDeadLetter()));
        json.put("replayCount", envelope.getReplayCount());
        json.put("replayId", envelope.getReplayId());

        ArrayNode callerHeaders = json.putArray("callerHeaders");
        for (CallerHeader header : envelope.getCallerHeaders()) {
            ObjectNode node = callerHeaders.addObject();
            node.put("name", header.getName());
            node.set("value", ByteText.json(ByteText.of(header.getValue()), format));
        }

        ArrayNode history = json.putArray("history");
        for (HistoryEntry event : envelope.getHistory()) {
            history.add(event(event));
        }
        return json;
    }

    private static ObjectNode error(ErrorInfo error) {
        ObjectNode json = Json.object();
        json.put("kind", error.getKind().name());
        json.put("message", error.getMessage());
        json.put("httpStatus", error.getHttpStatus());
        json.put("retryable", error.getRetryable());
        return json;
    }

    private static ObjectNode origin(Origin origin) {
        ObjectNode json = Json.object();
        json.put("service", origin.getService());
        json.put("topic", origin.getTopic());
        json.put("partition", origin.getPartition());
        json.put("offset", origin.getOffset());
        return json;
    }

    private static JsonNode hop(TierPosition hop) {
        if (hop == null) {
            return NullNode.getInstance();
        }
        ObjectNode json = Json.object();
        json.put("topic", hop.getTopic());
        json.put("partition", hop.getPartition());
        json.put("offset", hop.getOffset());
        return json;
    }

    private static JsonNode deadLetter(DeadLetterInfo deadLetter) {
        if (deadLetter == null) {
            return NullNode.getInstance();
        }
        ObjectNode json = Json.object();
        json.put("reason", deadLetter.getReason().name());
        json.put("at", Json.time(deadLetter.getAt()));
        json.put("worker", deadLetter.getWorker());
        return json;
    }

    private static ObjectNode event(HistoryEntry event) {
        ObjectNode json = Json.object();
        json.put("at", Json.time(event.getAt()));
        json.put("event", event.getEvent().name());
        json.put("attempt", event.getAttempt());
        json.put(
                "errorKind",
                event.getErrorKind() == null ? null : event.getErrorKind().name());
        json.put("httpStatus", event.getHttpStatus());
        json.put("message", event.getMessage());
        json.put("replayId", event.getReplayId());
        return json;
    }

    private static ObjectNode request(Object request, BinaryFormat format) {
        ObjectNode json = Json.object();
        if (request instanceof HttpRequest http) {
            json.put("type", "http");
            json.put("method", http.getMethod());
            json.put("url", http.getUrl());
            ArrayNode headers = json.putArray("headers");
            for (HttpHeader header : http.getHeaders()) {
                ObjectNode node = headers.addObject();
                node.put("name", header.getName());
                node.put("value", header.getValue());
                node.put("secretRef", header.getSecretRef());
            }
            json.set("body", ByteText.json(ByteText.of(http.getBody()), format));
            json.put("timeoutMs", http.getTimeoutMs());
        } else {
            CustomOperation custom = (CustomOperation) request;
            json.put("type", "custom");
            json.put("operationType", custom.getType());
            json.set("payload", ByteText.json(ByteText.of(custom.getPayload()), format));
        }
        return json;
    }
}
