package io.retryladder.dlq.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The start of a replay id: the dead-letter topic's end offsets when its first run began. Every run
 * of the replay id reads the dead-letter topic up to these offsets only, so it never replays records
 * that the replay itself sent back to the dead-letter topic.
 *
 * @param endOffsets the end offset of each partition of the dead-letter topic
 */
public record ReplayRun(String replayId, Instant startedAt, String startedBy, Map<Integer, Long> endOffsets) {

    public ReplayRun {
        endOffsets = Map.copyOf(endOffsets);
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("replayId", replayId);
        json.put("startedAt", Json.time(startedAt));
        json.put("startedBy", startedBy);
        ObjectNode ends = json.putObject("endOffsets");
        new TreeMap<>(endOffsets).forEach((partition, offset) -> ends.put(Integer.toString(partition), offset));
        return json;
    }

    public static ReplayRun fromJson(JsonNode json) {
        Map<Integer, Long> ends = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = json.path("endOffsets").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            ends.put(Integer.parseInt(field.getKey()), field.getValue().asLong());
        }
        return new ReplayRun(
                Json.text(json, "replayId"),
                Instant.parse(Json.text(json, "startedAt")),
                Json.text(json, "startedBy"),
                ends);
    }
}
