package io.retryladder.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.faults.FaultReport.Row;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dead-letter topic unwritable for a while: its min.insync.replicas is raised above its replica
 * count while operations that fail for good are being dead-lettered, then lowered again. Dead letters
 * wait in the workers' timer stores and are written once the topic takes writes.
 *
 * <p>Allowed: nothing repeated. No worker is killed.
 */
@Order(4)
@ExtendWith({KafkaExtension.class, FaultReport.class})
class DeadLetterOutageIT {

    private static final String SCENARIO = "dead-letter-outage";
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @Test
    void unwritableDeadLetterTopicEndsEveryKeyOnce(KafkaCluster kafka) throws Exception {
        long startNanos = System.nanoTime();
        CallLedger ledger = new CallLedger(DeadLetterOutageIT::answer, Duration.ofMinutes(1));
        try (LoopbackDownstream downstream = LoopbackDownstream.start(0, ledger, false);
                FaultPipeline pipeline = new FaultPipeline(SCENARIO, kafka.clientProperties())) {
            pipeline.createTopics(Map.of());
            WorkerFleet fleet = pipeline.startWorkers(2, Map.of());
            RetryPublisher publisher = pipeline.publisher(Clock.systemUTC(), Map.of());
            List<Operation> operations = Scripts.keys(SCENARIO, Scripts.operations()).stream()
                    .map(key -> FaultPipeline.operation(downstream.baseUrl() + "/pay", key))
                    .toList();

            Future<List<String>> published =
                    FaultPipeline.publishInBackground(publisher, operations, 25, Duration.ofMillis(100));
            WorkerFleet.sleep(2000);
            pipeline.setTopicConfig(pipeline.deadLetterTopic(), "min.insync.replicas", "2");
            System.out.printf("[faults] %s: %s takes no writes%n", SCENARIO, pipeline.deadLetterTopic());
            WorkerFleet.sleep(OUTAGE.toMillis());
            double heldAtEnd = fleet.metricSum("retry_worker_dead_letters_pending");
            int writtenDuringOutage = pipeline.deadLetters().countsByKey().size();
            pipeline.setTopicConfig(pipeline.deadLetterTopic(), "min.insync.replicas", "1");
            System.out.printf(
                    "[faults] %s: %s writable again; %.0f dead letters were held%n",
                    SCENARIO, pipeline.deadLetterTopic(), heldAtEnd);

            List<String> keys = published.get(3, TimeUnit.MINUTES);
            pipeline.awaitEnded(keys, ledger, Duration.ofMinutes(2), Duration.ofSeconds(3));
            double heldAfter = fleet.metricSum("retry_worker_dead_letters_pending");
            fleet.stop(30);

            Tally tally = Tally.of(keys, ledger, pipeline.deadLetters(), List.of());
            FaultReport.add(new Row(
                    SCENARIO,
                    operations.size(),
                    "dead-letter topic unwritable for " + OUTAGE.toSeconds() + " s",
                    tally.lost().size(),
                    tally.duplicated().size(),
                    "0 (<= 0)",
                    String.format(
                            Locale.ROOT,
                            "%.0f dead letters held at the end of the outage, %d written before it; %d dead-lettered"
                                    + " in all",
                            heldAtEnd,
                            writtenDuringOutage,
                            tally.deadLettered()),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos)));

            assertThat(keys).as("operations Kafka acknowledged").hasSize(operations.size());
            assertThat(heldAtEnd)
                    .as("dead letters held in the timer stores during the outage")
                    .isPositive();
            assertThat(heldAfter).as("dead letters still held after the outage").isZero();
            assertThat(tally.lost())
                    .as("keys with neither an effect nor a dead letter" + tally.examples(5))
                    .isEmpty();
            assertThat(tally.duplicated())
                    .as("keys that ended more than once" + tally.examples(5))
                    .isEmpty();
            for (String key : keys) {
                assertThat(ledger.succeeded(key))
                        .as("%s succeeds exactly when its script lets it", key)
                        .isEqualTo(!failsForGood(key));
            }
        }
    }

    /** Returns whether attempt 2 of the key gets 422, a status the worker does not retry: 40% of keys. */
    private static boolean failsForGood(String key) {
        return Math.floorMod(key.hashCode(), 10) < 4;
    }

    private static Response answer(Call call) {
        return (failsForGood(call.idempotencyKey()) ? Response.status(422) : Response.ok())
                .after(Duration.ofMillis(10));
    }
}
