package io.retryladder.dlq.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A record that a dead letter was handled and no longer needs attention.
 *
 * @param operationId the operation of the resolved entry, or null when it was unreadable. A
 *     resolution applies only to an entry with the same operation, so a recreated dead-letter
 *     topic whose offsets start again does not inherit it.
 * @param resolvedBy the operating-system user that ran resolve
 * @param note why it was resolved, or null
 */
public record Resolution(
        EntryId entry, String operationId, String idempotencyKey, Instant resolvedAt, String resolvedBy, String note) {

    /** Returns whether this resolution covers {@code entry}. */
    public boolean covers(DeadLetterEntry candidate) {
        if (!entry.equals(candidate.id())) {
            return false;
        }
        if (operationId == null || candidate.envelope() == null) {
            return operationId == null && candidate.envelope() == null;
        }
        return operationId.equals(candidate.envelope().getOperationId());
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("entry", entry.toString());
        json.put("operationId", operationId);
        json.put("idempotencyKey", idempotencyKey);
        json.put("resolvedAt", Json.time(resolvedAt));
        json.put("resolvedBy", resolvedBy);
        json.put("note", note);
        return json;
    }

    public static Resolution fromJson(JsonNode json) {
        return new Resolution(
                EntryId.parse(Json.text(json, "entry")),
                Json.text(json, "operationId"),
                Json.text(json, "idempotencyKey"),
                Instant.parse(Json.text(json, "resolvedAt")),
                Json.text(json, "resolvedBy"),
                Json.text(json, "note"));
    }
}
