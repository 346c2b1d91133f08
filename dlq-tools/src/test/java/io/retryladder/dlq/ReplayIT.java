package io.retryladder.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HistoryEvent;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.state.OperationState.Status;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** replay against a real broker, without workers: what it writes, what it refuses and how it resumes. */
@ExtendWith(KafkaExtension.class)
class ReplayIT {

    private TestPipeline pipeline;

    @BeforeEach
    void createPipeline(KafkaCluster kafka) {
        pipeline = new TestPipeline(kafka).createTopics();
    }

    @AfterEach
    void close() {
        pipeline.close();
    }

    @Test
    void replayKeepsKeyHeadersAndPayloads() throws Exception {
        FailedOperation http = TestPipeline.httpDeadLetter("order-1")
                .setCallerHeaders(TestOperations.awkwardHeaders())
                .build();
        FailedOperation nullPayload =
                TestPipeline.customDeadLetter("ledger-null", null).build();
        FailedOperation emptyPayload =
                TestPipeline.customDeadLetter("ledger-empty", new byte[0]).build();
        for (FailedOperation deadLetter : List.of(http, nullPayload, emptyPayload)) {
            pipeline.write(deadLetter);
        }
        Map<String, List<Header>> originalHeaders = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : pipeline.read(pipeline.deadLetterTopic())) {
            originalHeaders.put(new String(record.key(), StandardCharsets.UTF_8), callerHeaders(record));
        }

        CliRun result = pipeline.run("replay", "--all", "--replay-id", "r-1");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out).contains("Replay id r-1: " + pipeline.deadLetterTopic() + " -> " + pipeline.firstTier());
        assertThat(result.out).contains("Replayed 3 dead letters to " + pipeline.firstTier());
        List<ConsumerRecord<byte[], byte[]>> replayed = pipeline.read(pipeline.firstTier());
        assertThat(replayed).hasSize(3);
        Map<String, FailedOperation> originals =
                Map.of("order-1", http, "ledger-null", nullPayload, "ledger-empty", emptyPayload);
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        for (ConsumerRecord<byte[], byte[]> record : replayed) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            FailedOperation original = originals.get(key);
            FailedOperation envelope = codec.decode(record.value());
            assertThat(record.partition())
                    .as("partition of %s", key)
                    .isEqualTo(Utils.toPositive(Utils.murmur2(record.key())) % TestPipeline.TIER_PARTITIONS);
            assertThat(callerHeaders(record))
                    .as("caller headers of %s", key)
                    .containsExactlyElementsOf(originalHeaders.get(key));
            assertThat(PipelineHeaders.lastText(record.headers(), PipelineHeaders.REPLAY_ID))
                    .isEqualTo("r-1");
            assertThat(record.headers().lastHeader(PipelineHeaders.DEAD_LETTER_REASON))
                    .isNull();
            assertThat(envelope.getAttempt()).isZero();
            assertThat(envelope.getMaxAttempts()).isEqualTo(original.getMaxAttempts());
            assertThat(envelope.getTotalAttempts()).isEqualTo(original.getTotalAttempts());
            assertThat(envelope.getReplayCount()).isEqualTo(1);
            assertThat(envelope.getReplayId()).isEqualTo("r-1");
            assertThat(envelope.getDeadLetter()).isNull();
            assertThat(envelope.getDueAt()).isEqualTo(envelope.getLastFailureAt());
            assertThat(envelope.getOperationId()).isEqualTo(original.getOperationId());
            assertThat(envelope.getRequest()).isEqualTo(original.getRequest());
            assertThat(envelope.getCallerHeaders()).isEqualTo(original.getCallerHeaders());
            HistoryEntry last = envelope.getHistory().get(envelope.getHistory().size() - 1);
            assertThat(last.getEvent()).isEqualTo(HistoryEvent.REPLAYED);
            assertThat(last.getReplayId()).isEqualTo("r-1");
            assertThat(envelope.getHistory()).hasSize(original.getHistory().size() + 1);
        }
        Map<String, FailedOperation> byKey = decodeByKey(replayed);
        assertThat(((CustomOperation) byKey.get("ledger-null").getRequest()).getPayload())
                .isNull();
        assertThat(((CustomOperation) byKey.get("ledger-empty").getRequest()).getPayload())
                .isEqualTo(ByteBuffer.wrap(new byte[0]));
        assertThat(pipeline.read(pipeline.markersTopic())).hasSize(4);
        assertThat(pipeline.run("list").out).contains("replayed");
        assertThat(pipeline.run("list", "-o", "json", "--key", "order-1").out).contains("\"replayedBy\":[\"r-1\"]");
    }

    @Test
    void dryRunChangesNothing() throws Exception {
        pipeline.write(TestPipeline.httpDeadLetter("dry-1").build());
        pipeline.write(TestPipeline.httpDeadLetter("dry-2").build());

        CliRun result = pipeline.run("replay", "--all", "--dry-run");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out)
                .contains("dry-1", "dry-2", "0 -> 1", "Would replay 2 dead letters", "nothing was written");
        assertThat(pipeline.read(pipeline.firstTier())).isEmpty();
        assertThat(pipeline.topicExists(pipeline.markersTopic())).isFalse();
    }

    @Test
    void dryRunWarnsOfConfirmation() throws Exception {
        pipeline.write(TestPipeline.httpDeadLetter("dry-3").build());
        pipeline.write(TestPipeline.httpDeadLetter("dry-4").build());

        CliRun large = pipeline.run("replay", "--all", "--dry-run", "--confirm-above", "1");
        CliRun confirmed = pipeline.run("replay", "--all", "--dry-run", "--confirm-above", "1", "--yes");
        CliRun small = pipeline.run("replay", "--all", "--dry-run", "--confirm-above", "2");

        assertThat(large.exitCode).as(large.toString()).isZero();
        assertThat(large.out).contains("will ask for confirmation", "more than --confirm-above 1", "--yes");
        assertThat(confirmed.out).doesNotContain("will ask for confirmation");
        assertThat(small.out).doesNotContain("will ask for confirmation");
    }

    @Test
    void rateLimitedReplayKeepsRate() {
        int count = 20;
        double rate = 8;
        for (int i = 0; i < count; i++) {
            pipeline.write(TestPipeline.httpDeadLetter("rate-" + i).build());
        }

        long startNanos = System.nanoTime();
        CliRun result = pipeline.run("replay", "--all", "--rate", "8");
        double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;

        assertThat(result.exitCode).as(result.toString()).isZero();
        List<ConsumerRecord<byte[], byte[]>> replayed = pipeline.read(pipeline.firstTier());
        assertThat(replayed).hasSize(count);
        long firstMs =
                replayed.stream().mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        long lastMs =
                replayed.stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        double spanSeconds = (lastMs - firstMs) / 1000.0;
        double measuredRate = (count - 1) / spanSeconds;
        // At 8 records per second, 20 records span 19 / 8 = 2.4 s; the bounds leave room for a slow machine.
        assertThat(measuredRate)
                .as("records per second between the first and last send")
                .isBetween(3.0, rate * 1.2);
        assertThat(elapsedSeconds).as("seconds for the whole command").isLessThan(60);
        assertThat(result.err).contains("Replayed 20 of 20 (100%)");
    }

    @Test
    void limitedReplayResumesWithoutDuplicates() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            keys.add("resume-" + i);
            pipeline.write(TestPipeline.httpDeadLetter("resume-" + i).build());
        }

        CliRun first = pipeline.run("replay", "--all", "--replay-id", "r-limit", "--limit", "4");
        assertThat(first.exitCode).as(first.toString()).isZero();
        assertThat(first.out).contains("Replayed 4 dead letters", "Left for a later run by --limit 6");
        assertThat(pipeline.read(pipeline.firstTier())).hasSize(4);

        CliRun second = pipeline.run("replay", "--all", "--replay-id", "r-limit");
        assertThat(second.exitCode).as(second.toString()).isZero();
        assertThat(second.out).contains("Resuming replay r-limit");
        assertThat(second.out).contains("Replayed 6 dead letters", "4 more were replayed by an earlier run");

        CliRun third = pipeline.run("replay", "--all", "--replay-id", "r-limit");
        assertThat(third.out).contains("Replayed 0 dead letters", "10 more were replayed by an earlier run");
        assertThat(replayedKeys()).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void stoppedReplayResumesWithoutDuplicates() throws Exception {
        int count = 30;
        for (int i = 0; i < count; i++) {
            pipeline.write(TestPipeline.httpDeadLetter("stop-" + i).build());
        }
        pipeline.with("DLQ_TOOLS_DLQ_REPLAY_TRANSACTION_MAX_MS", "200");
        ToolContext context = pipeline.context();
        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(
                () -> CliRun.run(context, "replay", "--all", "--replay-id", "r-stop", "--rate", "10"));

        await().atMost(Duration.ofSeconds(60))
                .until(() -> pipeline.read(pipeline.firstTier()).size() >= 5);
        context.stopSignal().request();
        CliRun stopped = running.get(60, TimeUnit.SECONDS);

        assertThat(stopped.exitCode).as(stopped.toString()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(stopped.out).contains("Stopped after replaying", "--replay-id r-stop");
        int committedBefore = pipeline.read(pipeline.firstTier()).size();
        assertThat(committedBefore).isBetween(5, count - 1);

        CliRun resumed = pipeline.run("replay", "--all", "--replay-id", "r-stop");

        assertThat(resumed.exitCode).as(resumed.toString()).isZero();
        assertThat(resumed.out)
                .contains(
                        "Replayed " + (count - committedBefore) + " dead letters",
                        committedBefore + " more were replayed by an earlier run");
        List<String> keys = replayedKeys();
        assertThat(keys).hasSize(count).doesNotHaveDuplicates();
        assertThat(pipeline.read(pipeline.markersTopic())).hasSize(count + 1);
    }

    @Test
    void replayCapRefusesUnlessForced() throws Exception {
        RecordMetadata capped = pipeline.write(
                TestPipeline.httpDeadLetter("capped").setReplayCount(3).build());
        pipeline.write(
                TestPipeline.httpDeadLetter("below-cap").setReplayCount(2).build());

        CliRun result = pipeline.run("replay", "--all");

        assertThat(result.exitCode).as(result.toString()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(result.out).contains("Replayed 1 dead letter to", "Refused 1:", "the replay cap");
        assertThat(decodeByKey(pipeline.read(pipeline.firstTier())).keySet()).containsExactly("below-cap");

        String cappedId = capped.partition() + ":" + capped.offset();
        CliRun forced = pipeline.run("replay", cappedId, "--force");

        assertThat(forced.exitCode).as(forced.toString()).isZero();
        FailedOperation replayed =
                decodeByKey(pipeline.read(pipeline.firstTier())).get("capped");
        assertThat(replayed.getReplayCount()).isEqualTo(4);

        CliRun higherCap = pipeline.run("replay", "--key", "capped", "--max-replays", "5", "--replay-id", "r-cap");
        assertThat(higherCap.exitCode).as(higherCap.toString()).isZero();
    }

    @Test
    void workerStateDecidesSkips() throws Exception {
        FailedOperation succeeded =
                TestPipeline.httpDeadLetter("state-succeeded").build();
        FailedOperation deadLettered = TestPipeline.httpDeadLetter("state-dead").build();
        FailedOperation laterReplay = TestPipeline.httpDeadLetter("state-later").build();
        FailedOperation otherOwner = TestPipeline.httpDeadLetter("state-other").build();
        for (FailedOperation deadLetter : List.of(succeeded, deadLettered, laterReplay, otherOwner)) {
            pipeline.write(deadLetter);
        }
        pipeline.writeState("state-succeeded", TestPipeline.state(Status.SUCCEEDED, succeeded, 0));
        pipeline.writeState("state-dead", TestPipeline.state(Status.DEAD_LETTERED, deadLettered, 0));
        pipeline.writeState("state-later", TestPipeline.state(Status.IN_LADDER, laterReplay, 1));
        pipeline.writeState(
                "state-other",
                TestPipeline.state(
                        Status.DEAD_LETTERED,
                        TestPipeline.httpDeadLetter("state-other").build(),
                        0));

        CliRun result = pipeline.run("replay", "--all");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out).contains("Replayed 1 dead letter to", "Skipped 3:");
        assertThat(result.out).contains("1 the key has succeeded meanwhile");
        assertThat(result.out).contains("1 the workers already hold a later replay of this operation");
        assertThat(result.out).contains("1 the key now belongs to another operation");
        assertThat(decodeByKey(pipeline.read(pipeline.firstTier())).keySet()).containsExactly("state-dead");
    }

    @Test
    void missingStateTopicFailsUnlessCheckIsOff() {
        pipeline.write(TestPipeline.httpDeadLetter("no-state").build());

        CliRun result = pipeline.run("replay", "--all", "--application-id", "not-" + pipeline.applicationId);

        assertThat(result.exitCode).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err).contains("-operations-changelog does not exist", "--no-state-check");
        assertThat(pipeline.read(pipeline.firstTier())).isEmpty();

        CliRun unchecked = pipeline.run(
                "replay", "--all", "--application-id", "not-" + pipeline.applicationId, "--no-state-check");
        assertThat(unchecked.exitCode).as(unchecked.toString()).isZero();
        assertThat(pipeline.read(pipeline.firstTier())).hasSize(1);
    }

    @Test
    void unreadableAndMissingEntriesAreReported() throws Exception {
        pipeline.write(TestPipeline.httpDeadLetter("readable").build());
        RecordMetadata garbage =
                pipeline.writeRaw("garbage".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9}, new RecordHeaders());
        String garbageId = garbage.partition() + ":" + garbage.offset();

        CliRun result = pipeline.run("replay", "--all");

        assertThat(result.exitCode).as(result.toString()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(result.out).contains("Replayed 1 dead letter", "Unreadable, never replayed 1", garbageId);
        assertThat(pipeline.read(pipeline.firstTier())).hasSize(1);

        CliRun missing = pipeline.run("replay", "1:999", "--replay-id", "r-missing");
        assertThat(missing.exitCode).isEqualTo(ExitCodes.PARTIAL);
        assertThat(missing.out).contains("Not found below the replay's end offsets, 1 in all: 1:999");
    }

    @Test
    void confirmationGuardsLargeReplays() throws Exception {
        for (int i = 0; i < 3; i++) {
            pipeline.write(TestPipeline.httpDeadLetter("confirm-" + i).build());
        }

        CliRun refused = pipeline.run("replay", "--all", "--confirm-above", "2");
        assertThat(refused.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err).contains("Refusing to replay 3 dead letters without confirmation", "--yes");

        CliRun declined = CliRun.run(scripted("no"), "replay", "--all", "--confirm-above", "2");
        assertThat(declined.exitCode).isEqualTo(ExitCodes.FAILURE);
        assertThat(declined.out).contains("Cancelled; nothing was replayed.");
        assertThat(pipeline.read(pipeline.firstTier())).isEmpty();

        CliRun accepted = CliRun.run(scripted("yes"), "replay", "--all", "--confirm-above", "2");
        assertThat(accepted.exitCode).as(accepted.toString()).isZero();
        assertThat(pipeline.read(pipeline.firstTier())).hasSize(3);
    }

    @Test
    void namedTierReceivesReplay() throws Exception {
        pipeline.write(TestPipeline.httpDeadLetter("tiered").build());

        CliRun result = pipeline.run("replay", "--all", "--tier", "2");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(pipeline.read(pipeline.prefix + "4s")).hasSize(1);
        assertThat(pipeline.read(pipeline.firstTier())).isEmpty();

        CliRun unknown = pipeline.run("replay", "--all", "--tier", "retry-99s");
        assertThat(unknown.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err).contains("Unknown tier 'retry-99s'");
    }

    @Test
    void replayNeedsSelection() {
        CliRun result = pipeline.run("replay");

        assertThat(result.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err).contains("pass --all");
    }

    private ToolContext scripted(String answer) {
        Terminal terminal = new Terminal() {
            @Override
            public boolean isInteractive() {
                return true;
            }

            @Override
            public String readLine(String prompt) {
                return answer;
            }
        };
        return new ToolContext(pipeline.environment, Clock.systemUTC(), terminal, new StopSignal());
    }

    private List<String> replayedKeys() {
        return pipeline.read(pipeline.firstTier()).stream()
                .map(record -> new String(record.key(), StandardCharsets.UTF_8))
                .toList();
    }

    private static Map<String, FailedOperation> decodeByKey(List<ConsumerRecord<byte[], byte[]>> records)
            throws Exception {
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        List<FailedOperation> envelopes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            envelopes.add(codec.decode(record.value()));
        }
        return envelopes.stream().collect(Collectors.toMap(FailedOperation::getIdempotencyKey, Function.identity()));
    }

    private static List<Header> callerHeaders(ConsumerRecord<byte[], byte[]> record) {
        List<Header> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            if (!header.key().startsWith(PipelineHeaders.RESERVED_PREFIX)) {
                headers.add(header);
            }
        }
        return headers;
    }
}
