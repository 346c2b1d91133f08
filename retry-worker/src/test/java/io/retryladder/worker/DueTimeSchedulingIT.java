package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Records are attempted when due, never early, whatever else waits in the same partitions. */
@ExtendWith(KafkaExtension.class)
class DueTimeSchedulingIT {

    private static final long WINDOW_MS = 400;

    @Test
    void failingRecordAttemptedInsideDueWindows(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(
                        call -> call.path().startsWith("/fail") ? Response.status(503) : Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "500,1000,2000").with("retry.poll.ms", 2000)) {
            pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();

            publisher
                    .publish(failing(downstream, "always-fails"), Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);

            awaitDeadLetters(pipeline, 1);
            assertAttemptsOnTime(downstream, "always-fails", List.of(2, 3, 4));
        }
    }

    @Test
    void failingRecordOnTimeDespiteBackgroundTraffic(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream =
                        LoopbackDownstream.start(call -> call.path().startsWith("/fail")
                                ? Response.status(503)
                                : Response.ok().after(Duration.ofMillis(5)));
                Pipeline pipeline = new Pipeline(kafka, "500,1000,2000").with("retry.poll.ms", 2000)) {
            pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService background = Executors.newSingleThreadExecutor();
            background.submit(() -> {
                for (int i = 0; i < 2_000 && running.get(); i++) {
                    Operation operation = Operation.http("POST", downstream.baseUrl() + "/ok/" + i)
                            .idempotencyKey("background-" + i)
                            .build();
                    publisher.publish(operation, Failure.httpStatus(503, "", null));
                    Thread.sleep(5);
                }
                return null;
            });

            Thread.sleep(500);
            publisher
                    .publish(failing(downstream, "always-fails"), Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);

            awaitDeadLetters(pipeline, 1);
            running.set(false);
            background.shutdown();
            background.awaitTermination(30, TimeUnit.SECONDS);
            assertAttemptsOnTime(downstream, "always-fails", List.of(2, 3, 4));
            assertThat(downstream.calls().stream()
                            .filter(call -> call.path().startsWith("/ok"))
                            .count())
                    .as("background calls made meanwhile")
                    .isGreaterThan(100);
        }
    }

    @Test
    void shortDelayNotHeldBehindLongDelay(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "1000,4000,16000");
                TierWriter writer = new TierWriter(kafka.clientProperties())) {
            pipeline.startWorker();
            List<String> keys = TierWriter.keysInPartition("same-partition-", 1, 3, 2);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            FailedOperation slow = TestOperations.http(keys.get(0), downstream.baseUrl() + "/slow")
                    .setAttempt(3)
                    .setLastFailureAt(now)
                    .setDueAt(now.plusSeconds(16))
                    .build();
            FailedOperation fast = TestOperations.http(keys.get(1), downstream.baseUrl() + "/fast")
                    .setAttempt(1)
                    .setLastFailureAt(now)
                    .setDueAt(now.plusSeconds(1))
                    .build();

            writer.write(pipeline.tier("16s"), slow);
            writer.write(pipeline.tier("1s"), fast);

            await().atMost(Duration.ofSeconds(15)).until(() -> downstream.effects(keys.get(1)) == 1);
            assertThat(downstream.effects(keys.get(0))).isZero();
            Call call = callsFor(downstream, keys.get(1)).get(0);
            assertThat(call.arrivedAtMs() - call.dueAtMs()).isBetween(0L, WINDOW_MS);
        }
    }

    @Test
    void earlierDueRecordOvertakesOneAhead(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "1000,4000,16000");
                TierWriter writer = new TierWriter(kafka.clientProperties())) {
            pipeline.startWorker();
            List<String> keys = TierWriter.keysInPartition("jitter-", 2, 3, 2);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            FailedOperation ahead = TestOperations.http(keys.get(0), downstream.baseUrl() + "/a")
                    .setLastFailureAt(now)
                    .setDueAt(now.plusSeconds(6))
                    .build();
            FailedOperation behind = TestOperations.http(keys.get(1), downstream.baseUrl() + "/b")
                    .setLastFailureAt(now)
                    .setDueAt(now.plusMillis(600))
                    .build();

            writer.write(pipeline.tier("1s"), ahead);
            writer.write(pipeline.tier("1s"), behind);

            await().atMost(Duration.ofSeconds(15)).until(() -> downstream.effects(keys.get(0)) == 1);
            Call first = downstream.calls().get(0);
            assertThat(first.idempotencyKey()).isEqualTo(keys.get(1));
            for (String key : keys) {
                Call call = callsFor(downstream, key).get(0);
                assertThat(call.arrivedAtMs() - call.dueAtMs())
                        .as("lateness of %s", key)
                        .isBetween(0L, WINDOW_MS);
            }
        }
    }

    static Operation failing(LoopbackDownstream downstream, String key) {
        return Operation.http("POST", downstream.baseUrl() + "/fail")
                .idempotencyKey(key)
                .build();
    }

    static List<Call> callsFor(LoopbackDownstream downstream, String key) {
        return downstream.calls().stream()
                .filter(call -> key.equals(call.idempotencyKey()))
                .toList();
    }

    static void awaitDeadLetters(Pipeline pipeline, int count) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> pipeline.deadLetters().size() >= count);
    }

    static void assertAttemptsOnTime(LoopbackDownstream downstream, String key, List<Integer> attempts) {
        List<Call> calls = callsFor(downstream, key);
        assertThat(calls).extracting(Call::attempt).containsExactlyElementsOf(attempts);
        for (Call call : calls) {
            assertThat(call.arrivedAtMs())
                    .as("attempt %d of %s not before its due time", call.attempt(), key)
                    .isGreaterThanOrEqualTo(call.dueAtMs());
            assertThat(call.arrivedAtMs() - call.dueAtMs())
                    .as("attempt %d of %s lateness in ms", call.attempt(), key)
                    .isLessThan(WINDOW_MS);
        }
    }
}
