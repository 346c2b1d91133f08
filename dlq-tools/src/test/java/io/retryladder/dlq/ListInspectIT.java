package io.retryladder.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.Origin;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** list, inspect, stats, export and resolve against a real broker, with envelopes in single-object encoding. */
@ExtendWith(KafkaExtension.class)
class ListInspectIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestPipeline pipeline;
    private String httpId;
    private String nullPayloadId;
    private String emptyPayloadId;
    private String garbageId;
    private String parkedId;

    @BeforeEach
    void writeDeadLetters(KafkaCluster kafka) {
        pipeline = new TestPipeline(kafka).createTopics();
        FailedOperation http = TestPipeline.httpDeadLetter("order-1")
                .setCallerHeaders(TestOperations.awkwardHeaders())
                .build();
        httpId = id(pipeline.write(http));
        nullPayloadId = id(pipeline.write(TestPipeline.customDeadLetter("ledger-null", null)
                .setOrigin(new Origin("billing", "invoices", 1, 7L))
                .build()));
        emptyPayloadId = id(pipeline.write(
                TestPipeline.customDeadLetter("ledger-empty", new byte[0]).build()));
        garbageId = id(pipeline.writeRaw(
                "garbage-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, (byte) 0xFF}, new RecordHeaders()));
        RecordHeaders original = new RecordHeaders();
        original.add(new RecordHeader("trace", new byte[] {(byte) 0xC3, 0x28}));
        parkedId = id(pipeline.writeRaw(
                "parked-1".getBytes(StandardCharsets.UTF_8),
                null,
                PipelineHeaders.forParkedRecord(original, "null value on tier topic t", pipeline.firstTier(), 2, 17)));
    }

    @AfterEach
    void close() {
        pipeline.close();
    }

    @Test
    void listPrintsTableWithTotal() {
        CliRun result = pipeline.run("list");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out).contains("ID", "DEAD-LETTERED", "KEY", "REASON", "ERROR", "STATUS");
        assertThat(result.out).contains("order-1", "ATTEMPTS_EXHAUSTED", "HTTP_STATUS 503", "4/4");
        assertThat(result.out).contains("payments.example.com", "custom:ledger");
        assertThat(result.out).contains("garbage-1", "parked-1", "UNREADABLE");
        assertThat(result.out).contains("5 of 5 dead letters shown");
    }

    @Test
    void listJsonFiltersAndLimits() throws Exception {
        assertThat(keys(pipeline.run("list", "-o", "json", "--error-kind", "http_status")))
                .containsExactly("order-1");
        assertThat(keys(pipeline.run("list", "-o", "json", "--http-status", "500-599")))
                .containsExactly("order-1");
        assertThat(keys(pipeline.run("list", "-o", "json", "--host", "*.example.com")))
                .containsExactly("order-1");
        assertThat(keys(pipeline.run("list", "-o", "json", "--origin-topic", "invoices")))
                .containsExactly("ledger-null");
        assertThat(keys(pipeline.run("list", "-o", "json", "--attempts", "2")))
                .containsExactlyInAnyOrder("ledger-null", "ledger-empty");
        assertThat(keys(pipeline.run("list", "-o", "json", "--key", "ledger-empty", "--key", "parked-1")))
                .containsExactlyInAnyOrder("ledger-empty", "parked-1");
        assertThat(keys(pipeline.run("list", "-o", "json", "--unreadable")))
                .containsExactlyInAnyOrder("garbage-1", "parked-1");
        assertThat(keys(pipeline.run("list", "-o", "json", "--reason", "NON_RETRYABLE")))
                .containsExactlyInAnyOrder("ledger-null", "ledger-empty");
        assertThat(keys(pipeline.run("list", "-o", "json", "--since", "1h", "--until", "2999-01-01")))
                .hasSize(5);
        assertThat(keys(pipeline.run("list", "-o", "json", "--until", "1h"))).isEmpty();

        CliRun limited = pipeline.run("list", "-o", "json", "--limit", "2");
        assertThat(keys(limited)).hasSize(2);
        assertThat(limited.err).contains("2 of 5 dead letters shown");
    }

    @Test
    void listJsonCarriesSummaryFields() throws Exception {
        CliRun result = pipeline.run("list", "-o", "json", "--key", "order-1");

        JsonNode entry = JSON.readTree(result.out.strip());
        assertThat(entry.get("id").asText()).isEqualTo(httpId);
        assertThat(entry.get("reason").asText()).isEqualTo("ATTEMPTS_EXHAUSTED");
        assertThat(entry.get("httpStatus").asInt()).isEqualTo(503);
        assertThat(entry.get("attempt").asInt()).isEqualTo(4);
        assertThat(entry.get("target").asText()).isEqualTo("payments.example.com");
        assertThat(entry.get("originTopic").asText()).isEqualTo("orders");
        assertThat(entry.get("resolved").asBoolean()).isFalse();
    }

    @Test
    void inspectShowsHeadersBodyAndHistory() {
        CliRun result = pipeline.run("inspect", httpId);

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out).contains("Dead letter " + httpId + " in " + pipeline.deadLetterTopic());
        assertThat(result.out).contains("trace: hex c32800ff (4 bytes, not UTF-8 text)");
        assertThat(result.out).contains("nothing: null");
        assertThat(result.out).contains("empty: (empty)");
        assertThat(result.out).contains("dup: \"first\"", "dup: \"second\"");
        assertThat(result.out).contains("retry.dead.letter.reason: \"ATTEMPTS_EXHAUSTED\"");
        assertThat(result.out).contains("Request:          HTTP POST http://payments.example.com/charges");
        assertThat(result.out).contains("Body (13 bytes, JSON):", "\"amount\" : 42");
        assertThat(result.out).contains("History (2 events, oldest first):", "HTTP 503 again");
        assertThat(result.out).contains("Replays of this entry: none");
    }

    @Test
    void inspectKeepsNullAndEmptyPayloadsApart() {
        assertThat(pipeline.run("inspect", nullPayloadId).out).contains("Payload: null");
        assertThat(pipeline.run("inspect", emptyPayloadId).out).contains("Payload: (empty, 0 bytes)");
    }

    @Test
    void inspectJsonRendersBinaryInChosenFormat() throws Exception {
        CliRun result = pipeline.run("inspect", httpId, "-o", "json", "--binary", "base64");

        JsonNode json = JSON.readTree(result.out);
        JsonNode callerHeaders = json.get("envelope").get("callerHeaders");
        assertThat(callerHeaders.get(0).get("value").get("base64").asText()).isEqualTo("wygA/w==");
        assertThat(callerHeaders.get(1).get("value").isNull()).isTrue();
        assertThat(callerHeaders.get(2).get("value").get("size").asInt()).isZero();
        assertThat(callerHeaders.get(2).get("value").get("text").asText()).isEmpty();
        assertThat(json.get("envelope").get("request").get("body").get("text").asText())
                .isEqualTo("{\"amount\":42}");
        assertThat(json.get("envelope").get("history")).hasSize(2);
    }

    @Test
    void inspectShowsUndecodableEntryRaw() {
        CliRun garbage = pipeline.run("inspect", garbageId);
        assertThat(garbage.exitCode).as(garbage.toString()).isZero();
        assertThat(garbage.out).contains("Unreadable: cannot decode the envelope: unknown wire format");
        assertThat(garbage.out).contains("Value (4 bytes, not UTF-8 text, hex):", "010203ff");

        CliRun parked = pipeline.run("inspect", parkedId);
        assertThat(parked.out)
                .contains("Unreadable: parked by the worker: null value on tier topic t (read from "
                        + pipeline.firstTier() + "-2@17)");
        assertThat(parked.out).contains("Value: null");
        assertThat(parked.out).contains("trace: hex c328");
    }

    @Test
    void inspectOfMissingIdFails() {
        CliRun result = pipeline.run("inspect", "0:999");

        assertThat(result.exitCode).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err).contains("No dead letter 0:999 in " + pipeline.deadLetterTopic());
        assertThat(result.err.strip().lines()).hasSize(1);
    }

    @Test
    void statsCountsByGroup() throws Exception {
        CliRun table = pipeline.run("stats");
        assertThat(table.exitCode).as(table.toString()).isZero();
        assertThat(table.out).contains("5 dead letters, 2 of them unreadable", "Oldest: ", "Newest: ");

        JsonNode json = JSON.readTree(pipeline.run("stats", "-o", "json").out);
        assertThat(json.get("total").asInt()).isEqualTo(5);
        assertThat(json.get("unreadable").asInt()).isEqualTo(2);
        assertThat(json.get("errorKind").get("HTTP_STATUS 503").asInt()).isEqualTo(1);
        assertThat(json.get("errorKind").get("HANDLER_ERROR").asInt()).isEqualTo(2);
        assertThat(json.get("target").get("custom:ledger").asInt()).isEqualTo(2);
        assertThat(json.get("originTopic").get("invoices").asInt()).isEqualTo(1);
        assertThat(json.get("reason").get("NON_RETRYABLE").asInt()).isEqualTo(2);
        assertThat(json.get("day").size()).isGreaterThanOrEqualTo(1);
        assertThat(json.get("oldest").get("id").asText()).isNotEmpty();
    }

    @Test
    void exportWritesJsonLines(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("dead-letters.jsonl");

        CliRun result = pipeline.run("export", "--file", file.toString(), "--error-kind", "HANDLER_ERROR");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.err).contains("Exported 2 dead letters to " + file);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines)
                .extracting(line -> line.get("envelope").get("idempotencyKey").asText())
                .containsExactlyInAnyOrder("ledger-null", "ledger-empty");
        assertThat(lines)
                .extracting(line ->
                        line.get("envelope").get("request").get("payload").toString())
                .containsExactlyInAnyOrder("null", "{\"size\":0,\"text\":\"\"}");
        try (var listing = Files.list(directory)) {
            assertThat(listing).containsExactly(file);
        }

        CliRun again = pipeline.run("export", "--file", file.toString());
        assertThat(again.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err).contains("pass --overwrite");
    }

    @Test
    void resolvedEntriesLeaveListUntilUndone() throws Exception {
        CliRun resolve = pipeline.run("resolve", httpId, garbageId, "--note", "refunded by hand");
        assertThat(resolve.exitCode).as(resolve.toString()).isZero();
        assertThat(resolve.out).contains("Resolved 2 dead letters");
        assertThat(pipeline.topicExists(pipeline.deadLetterTopic() + "-resolved"))
                .isTrue();

        CliRun list = pipeline.run("list");
        assertThat(list.out).doesNotContain("order-1", "garbage-1");
        assertThat(list.out).contains("3 of 3 dead letters shown", "2 resolved hidden");
        CliRun all = pipeline.run("list", "--include-resolved");
        assertThat(all.out).contains("order-1", "resolved");
        assertThat(pipeline.run("inspect", httpId).out).contains("Resolved:", "refunded by hand");
        assertThat(pipeline.read(pipeline.deadLetterTopic())).hasSize(5);

        CliRun undo = pipeline.run("resolve", httpId, "--undo");
        assertThat(undo.out).contains("Unresolved 1 dead letter");
        assertThat(pipeline.run("list").out).contains("order-1", "4 of 4 dead letters shown");
    }

    @Test
    void resolveNeedsSelection() {
        CliRun result = pipeline.run("resolve");

        assertThat(result.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err).contains("pass --all");
    }

    @Test
    void missingDeadLetterTopicFailsWithAdvice() {
        CliRun result = pipeline.run("list", "--dead-letter-topic", pipeline.prefix + "nope");

        assertThat(result.exitCode).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err).contains("Topic " + pipeline.prefix + "nope does not exist", "--dead-letter-topic");
    }

    private static List<String> keys(CliRun result) throws Exception {
        assertThat(result.exitCode).as(result.toString()).isZero();
        List<String> keys = new ArrayList<>();
        for (String line : result.out.lines().toList()) {
            keys.add(JSON.readTree(line).get("idempotencyKey").asText());
        }
        return keys;
    }

    private static String id(RecordMetadata metadata) {
        return metadata.partition() + ":" + metadata.offset();
    }
}
