package io.retryladder.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.faults.FaultReport.Row;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Worker processes killed with SIGKILL at random moments, one at a time while the others keep going,
 * and restarted on their state directories.
 *
 * <p>Allowed: a timely effect repeated across a kill, because the killed worker may have received the
 * response without committing the outcome. The bound is {@value #KILLS} kills times retry.max.in.flight
 * ({@value #MAX_IN_FLIGHT}) calls, the most a worker can have in flight when it dies.
 */
@Order(1)
@ExtendWith({KafkaExtension.class, FaultReport.class})
class WorkerKillIT {

    private static final String SCENARIO = "worker-kill";
    private static final int WORKERS = 3;
    private static final int KILLS = 8;
    private static final int MAX_IN_FLIGHT = 64;

    @Test
    void killedWorkersEndEveryKeyOnce(KafkaCluster kafka) throws Exception {
        long startNanos = System.nanoTime();
        CallLedger ledger = new CallLedger(Scripts::byKey, Duration.ofMinutes(1));
        try (LoopbackDownstream downstream = LoopbackDownstream.start(0, ledger, false);
                FaultPipeline pipeline = new FaultPipeline(SCENARIO, kafka.clientProperties())) {
            pipeline.createTopics(Map.of());
            WorkerFleet fleet = pipeline.startWorkers(WORKERS, workerSettings());
            RetryPublisher publisher = pipeline.publisher(Clock.systemUTC(), Map.of());
            List<Operation> operations = Scripts.keys(SCENARIO, Scripts.operations()).stream()
                    .map(key -> FaultPipeline.operation(downstream.baseUrl() + "/pay", key))
                    .toList();

            Future<List<String>> published =
                    FaultPipeline.publishInBackground(publisher, operations, 25, Duration.ofMillis(100));
            killRepeatedly(fleet, new Random(42));
            List<String> keys = published.get(3, TimeUnit.MINUTES);
            pipeline.awaitEnded(keys, ledger, Duration.ofMinutes(2), Duration.ofSeconds(3));
            fleet.stop(30);

            Tally tally = Tally.of(keys, ledger, pipeline.deadLetters(), fleet.killTimesMs());
            int bound = KILLS * MAX_IN_FLIGHT;
            FaultReport.add(new Row(
                    SCENARIO,
                    operations.size(),
                    KILLS + " kill -9 of " + WORKERS + " workers",
                    tally.lost().size(),
                    tally.duplicated().size(),
                    tally.repeatsAfterKills() + " (<= " + bound + ")",
                    "",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos)));

            assertThat(keys).as("operations Kafka acknowledged").hasSize(operations.size());
            assertThat(tally.lost())
                    .as("keys with neither an effect nor a dead letter" + tally.examples(5))
                    .isEmpty();
            assertThat(tally.duplicated())
                    .as("keys that ended more than once" + tally.examples(5))
                    .isEmpty();
            assertThat(tally.repeatsAfterKills())
                    .as("effects repeated because their call was in flight at a kill")
                    .isLessThanOrEqualTo(bound);
            for (String key : keys) {
                assertThat(ledger.succeeded(key))
                        .as("%s succeeds exactly when its script lets it", key)
                        .isEqualTo(Scripts.succeedsAt(key) != 0);
            }
        }
    }

    /** Settings that let the group notice a killed member within seconds instead of the default 45 s. */
    static Map<String, String> workerSettings() {
        return Map.of(
                "retry.max.in.flight", Integer.toString(MAX_IN_FLIGHT),
                "session.timeout.ms", "10000",
                "heartbeat.interval.ms", "2000");
    }

    private static void killRepeatedly(WorkerFleet fleet, Random random) {
        WorkerFleet.sleep(3000);
        for (int kill = 0; kill < KILLS; kill++) {
            WorkerFleet.sleep(1500 + random.nextInt(2000));
            int victim = random.nextInt(fleet.size());
            fleet.kill(victim);
            System.out.printf("[faults] %s: killed worker-%d (kill %d of %d)%n", SCENARIO, victim, kill + 1, KILLS);
            WorkerFleet.sleep(500 + random.nextInt(1000));
            fleet.restart(victim);
        }
    }
}
