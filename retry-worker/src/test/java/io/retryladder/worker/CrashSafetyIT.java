package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.JavaProcess;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.testing.Topics;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Worker processes killed with SIGKILL at random moments lose nothing and finish every key exactly
 * once: each key ends as its script says, succeeded or dead-lettered, and never both.
 */
@ExtendWith(KafkaExtension.class)
class CrashSafetyIT {

    private static final int OPERATIONS = 2_000;
    private static final int KILLS = 10;

    @Test
    void killedWorkersLoseNothing(KafkaCluster kafka) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "crash-safety-" + System.nanoTime()));
        try (LoopbackDownstream downstream = LoopbackDownstream.start(CrashSafetyIT::answer);
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200").with("retry.topics.partitions", "6")) {
            for (String topic : List.of(
                    pipeline.tier("300ms"),
                    pipeline.tier("600ms"),
                    pipeline.tier("1200ms"),
                    pipeline.deadLetterTopic())) {
                Topics.create(kafka.admin(), topic, 6, Map.of("message.timestamp.type", "LogAppendTime"));
            }
            List<JavaProcess> workers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                workers.add(workerProcess(pipeline, dir, i).start());
            }
            awaitGroupMembers(kafka, pipeline.applicationId, 2);
            RetryPublisher publisher = pipeline.publisher();
            Random random = new Random(42);
            Thread killer = new Thread(() -> killRepeatedly(workers, random));

            List<CompletableFuture<?>> published = new ArrayList<>();
            killer.start();
            for (int i = 0; i < OPERATIONS; i++) {
                Operation operation = Operation.http("POST", downstream.baseUrl() + "/pay")
                        .idempotencyKey(key(i))
                        .build();
                published.add(publisher.publish(operation, Failure.httpStatus(503, "", null)));
                if (i % 20 == 0) {
                    Thread.sleep(100);
                }
            }
            CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            killer.join(TimeUnit.MINUTES.toMillis(3));

            Map<String, FailedOperation> deadLetters = awaitAllTerminal(pipeline, downstream, Duration.ofMinutes(4));
            workers.forEach(JavaProcess::close);

            for (int i = 0; i < OPERATIONS; i++) {
                String key = key(i);
                boolean succeeded = downstream.effects(key) > 0;
                boolean deadLettered = deadLetters.containsKey(key);
                assertThat(succeeded ^ deadLettered)
                        .as("%s ends exactly once", key)
                        .isTrue();
                assertThat(deadLettered)
                        .as("%s dead-lettered only when its script never succeeds", key)
                        .isEqualTo(succeedsAt(key) == 0);
            }
            int repeated = repeatedCalls(downstream);
            assertThat(repeated)
                    .as("calls repeated after crashes (only attempts in flight at a kill may repeat)")
                    .isLessThanOrEqualTo(KILLS * 256);
            System.out.printf(
                    "Crash safety: %d operations, %d kills, %d repeated calls, %d dead letters%n",
                    OPERATIONS, KILLS, repeated, deadLetters.size());
        }
    }

    /** Attempt 1 fails; by key, 50% succeed at attempt 2, 30% at 3, 15% at 4 and 5% never. */
    private static Response answer(Call call) {
        int succeedsAt = succeedsAt(call.idempotencyKey());
        boolean success = succeedsAt != 0 && call.attempt() >= succeedsAt;
        return (success ? Response.ok() : Response.status(500)).after(Duration.ofMillis(10));
    }

    static int succeedsAt(String key) {
        int bucket = Math.floorMod(key.hashCode(), 100);
        if (bucket < 50) {
            return 2;
        }
        if (bucket < 80) {
            return 3;
        }
        return bucket < 95 ? 4 : 0;
    }

    private static String key(int i) {
        return "crash-" + i;
    }

    private static void killRepeatedly(List<JavaProcess> workers, Random random) {
        try {
            Thread.sleep(5000);
            for (int kill = 0; kill < KILLS; kill++) {
                Thread.sleep(1000 + random.nextInt(2000));
                JavaProcess victim = workers.get(random.nextInt(workers.size()));
                victim.kill();
                Thread.sleep(500 + random.nextInt(1000));
                victim.start();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, FailedOperation> awaitAllTerminal(
            Pipeline pipeline, LoopbackDownstream downstream, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, FailedOperation> deadLetters = new HashMap<>();
        while (System.nanoTime() < deadline) {
            deadLetters.clear();
            for (FailedOperation deadLetter : pipeline.deadLetterEnvelopes()) {
                FailedOperation previous = deadLetters.put(deadLetter.getIdempotencyKey(), deadLetter);
                assertThat(previous)
                        .as("a second dead letter for %s", deadLetter.getIdempotencyKey())
                        .isNull();
            }
            int terminal = 0;
            for (int i = 0; i < OPERATIONS; i++) {
                if (downstream.effects(key(i)) > 0 || deadLetters.containsKey(key(i))) {
                    terminal++;
                }
            }
            if (terminal == OPERATIONS) {
                return deadLetters;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("Not every key finished within " + timeout);
    }

    private static int repeatedCalls(LoopbackDownstream downstream) {
        Set<String> seen = new HashSet<>();
        int repeated = 0;
        for (Call call : downstream.calls()) {
            if (!seen.add(call.idempotencyKey() + "#" + call.attempt())) {
                repeated++;
            }
        }
        return repeated;
    }

    private static void awaitGroupMembers(KafkaCluster kafka, String groupId, int members) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> {
                    ConsumerGroupDescription group = kafka.admin()
                            .describeConsumerGroups(List.of(groupId))
                            .describedGroups()
                            .get(groupId)
                            .get(10, TimeUnit.SECONDS);
                    return group.members().size() == members && group.groupState() == GroupState.STABLE;
                });
    }

    private static JavaProcess workerProcess(Pipeline pipeline, Path dir, int index) throws Exception {
        Properties properties = new Properties();
        Map<String, Object> settings = pipeline.workerSettings(Map.of(
                "retry.worker.id",
                "crash-worker-" + index,
                "state.dir",
                dir.resolve("state-" + index).toString(),
                "num.stream.threads",
                "1"));
        settings.forEach((name, value) -> properties.setProperty(name, String.valueOf(value)));
        Path config = dir.resolve("worker-" + index + ".properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            properties.store(out, null);
        }
        return JavaProcess.of(
                RetryWorkerMain.class.getName(),
                List.of("-Xmx256m"),
                List.of("--config", config.toString()),
                dir.resolve("worker-" + index + ".log"));
    }
}
