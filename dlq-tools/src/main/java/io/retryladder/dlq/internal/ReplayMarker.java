package io.retryladder.dlq.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The record that a replay moved one dead letter to a tier topic. It is written in the same Kafka
 * transaction as the replayed record, so a marker exists exactly when the replayed record does.
 *
 * @param replayCount the replay count of the replayed record
 */
public record ReplayMarker(
        String replayId,
        EntryId entry,
        String idempotencyKey,
        String operationId,
        int replayCount,
        String tierTopic,
        Instant replayedAt,
        String replayedBy) {

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("replayId", replayId);
        json.put("entry", entry.toString());
        json.put("idempotencyKey", idempotencyKey);
        json.put("operationId", operationId);
        json.put("replayCount", replayCount);
        json.put("tierTopic", tierTopic);
        json.put("replayedAt", Json.time(replayedAt));
        json.put("replayedBy", replayedBy);
        return json;
    }

    public static ReplayMarker fromJson(JsonNode json) {
        return new ReplayMarker(
                Json.text(json, "replayId"),
                EntryId.parse(Json.text(json, "entry")),
                Json.text(json, "idempotencyKey"),
                Json.text(json, "operationId"),
                json.path("replayCount").asInt(),
                Json.text(json, "tierTopic"),
                Instant.parse(Json.text(json, "replayedAt")),
                Json.text(json, "replayedBy"));
    }
}
