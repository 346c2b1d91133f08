package io.retryladder.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.worker.RetryWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * replay with a real retry worker and a downstream on loopback: replayed operations fail again into
 * the dead-letter topic without being replayed again, and operations that succeed after a replay are
 * skipped by the next one.
 */
@ExtendWith(KafkaExtension.class)
class ReplayWithWorkerIT {

    private static final List<String> KEYS = List.of("charge-1", "charge-2", "charge-3", "charge-4");

    @Test
    void failingThenSucceedingReplays(KafkaCluster kafka, @TempDir Path stateDir) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.status(503));
                TestPipeline pipeline = new TestPipeline(kafka).with("DLQ_TOOLS_RETRY_TIER_DELAYS_MS", "200,400");
                RetryWorker worker = startWorker(pipeline, stateDir);
                RetryPublisher publisher = publisher(pipeline)) {
            for (String key : KEYS) {
                Operation operation = Operation.http("POST", downstream.baseUrl() + "/charges")
                        .idempotencyKey(key)
                        .body("{\"amount\":42}")
                        .build();
                publisher
                        .publish(operation, Failure.httpStatus(503, "HTTP 503", null))
                        .get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> pipeline.read(pipeline.deadLetterTopic()).size() == 4);

            CliRun first = pipeline.run("replay", "--all", "--replay-id", "first");

            assertThat(first.exitCode).as(first.toString()).isZero();
            assertThat(first.out).contains("Replayed 4 dead letters to " + pipeline.prefix + "200ms");
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> pipeline.read(pipeline.deadLetterTopic()).size() == 8);
            List<FailedOperation> deadLetters = pipeline.decodeAll(pipeline.deadLetterTopic());
            List<FailedOperation> again = deadLetters.stream()
                    .filter(deadLetter -> deadLetter.getReplayCount() == 1)
                    .toList();
            assertThat(again).extracting(FailedOperation::getIdempotencyKey).containsExactlyInAnyOrderElementsOf(KEYS);
            assertThat(again).allSatisfy(deadLetter -> {
                assertThat(deadLetter.getReplayId()).isEqualTo("first");
                assertThat(deadLetter.getAttempt()).isEqualTo(3);
                assertThat(deadLetter.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
            });
            for (String key : KEYS) {
                assertThat(downstream.calls().stream()
                                .filter(call -> key.equals(call.idempotencyKey()))
                                .map(Call::attempt))
                        .as("attempts of %s: two before the replay, three after it", key)
                        .containsExactly(2, 3, 1, 2, 3);
            }

            CliRun rerun = pipeline.run("replay", "--all", "--replay-id", "first");
            assertThat(rerun.exitCode).as(rerun.toString()).isZero();
            assertThat(rerun.out).contains("Replayed 0 dead letters", "4 more were replayed by an earlier run");

            downstream.behavior(call -> Response.ok());
            CliRun second = pipeline.run("replay", "--all", "--replay-id", "second");
            assertThat(second.exitCode).as(second.toString()).isZero();
            assertThat(second.out)
                    .contains("Replayed 4 dead letters", "4 a newer dead letter of this operation exists");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> KEYS.stream().allMatch(key -> downstream.effects(key) == 1));
            CliRun[] preview = new CliRun[1];
            await().atMost(Duration.ofSeconds(60))
                    .failFast(() -> preview[0] != null && preview[0].exitCode != 0)
                    .until(() -> {
                        preview[0] = pipeline.run("replay", "--all", "--replay-id", "third", "--dry-run");
                        return preview[0].out.contains("4 the key has succeeded meanwhile");
                    });

            long callsBefore = downstream.callCount();
            CliRun third = pipeline.run("replay", "--all", "--replay-id", "third");

            assertThat(third.exitCode).as(third.toString()).isZero();
            assertThat(third.out).contains("Replayed 0 dead letters", "Skipped 8:");
            assertThat(third.out).contains("4 the key has succeeded meanwhile", "4 a newer dead letter");
            Thread.sleep(1_500);
            assertThat(downstream.callCount()).isEqualTo(callsBefore);
            assertThat(downstream.keysWithDuplicateEffects()).isEmpty();
            assertThat(pipeline.read(pipeline.deadLetterTopic())).hasSize(8);
        }
    }

    private static RetryWorker startWorker(TestPipeline pipeline, Path stateDir) throws Exception {
        Map<String, Object> settings = new HashMap<>(pipeline.kafka.clientProperties());
        settings.put("retry.topic.prefix", pipeline.prefix);
        settings.put("retry.dead.letter.topic", pipeline.deadLetterTopic());
        settings.put("retry.tier.delays.ms", "200,400");
        settings.put("application.id", pipeline.applicationId);
        settings.put("retry.topics.create", "true");
        settings.put("retry.topics.partitions", "3");
        settings.put("retry.http.port", "0");
        settings.put("num.stream.threads", "1");
        // The downstream fails every call in the first half of the test. These settings keep the breaker
        // closed, because an open breaker pauses the worker, which this test is not about.
        settings.put("retry.breaker.minimum.calls", "500");
        settings.put("retry.breaker.window.calls", "1000");
        settings.put("state.dir", stateDir.toString());
        return RetryWorker.start(settings).awaitRunning(Duration.ofSeconds(90));
    }

    private static RetryPublisher publisher(TestPipeline pipeline) {
        Map<String, Object> settings = new HashMap<>(pipeline.kafka.clientProperties());
        settings.put("retry.topic.prefix", pipeline.prefix);
        settings.put("retry.dead.letter.topic", pipeline.deadLetterTopic());
        settings.put("retry.tier.delays.ms", "200,400");
        settings.put("retry.service.name", "checkout");
        return RetryPublisher.builder(settings)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
    }
}
