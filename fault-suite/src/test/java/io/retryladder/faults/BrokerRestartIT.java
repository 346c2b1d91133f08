package io.retryladder.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.faults.FaultReport.Row;
import io.retryladder.local.LocalKafka;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker stopped and restarted on the same data directory and ports, twice, while operations are
 * published and attempted. The broker runs in the test JVM; the workers in their own processes.
 *
 * <p>Allowed: nothing repeated. No worker is killed, so every call's outcome is either committed or
 * the call is repeated after its transaction aborted, which this scenario counts as a duplicate.
 */
@Order(2)
@ExtendWith(FaultReport.class)
class BrokerRestartIT {

    private static final String SCENARIO = "broker-restart";
    private static final int RESTARTS = 2;
    private static final Duration OUTAGE = Duration.ofSeconds(6);

    @Test
    void brokerRestartsEndEveryKeyOnce() throws Exception {
        long startNanos = System.nanoTime();
        Path dataDir = Files.createDirectories(Path.of(System.getProperty("faults.work.dir", "target/fault-runs"))
                .resolve(SCENARIO + "-broker-" + System.nanoTime()));
        CallLedger ledger = new CallLedger(Scripts::byKey, Duration.ofMinutes(1));
        try (LocalKafka broker = LocalKafka.builder().dataDir(dataDir).build()) {
            broker.start();
            try (LoopbackDownstream downstream = LoopbackDownstream.start(0, ledger, false);
                    FaultPipeline pipeline = new FaultPipeline(SCENARIO, broker.clientProperties())) {
                pipeline.createTopics(Map.of());
                WorkerFleet fleet = pipeline.startWorkers(2, Map.of());
                RetryPublisher publisher = pipeline.publisher(Clock.systemUTC(), Map.of());
                List<Operation> operations = Scripts.keys(SCENARIO, Scripts.operations()).stream()
                        .map(key -> FaultPipeline.operation(downstream.baseUrl() + "/pay", key))
                        .toList();

                Future<List<String>> published =
                        FaultPipeline.publishInBackground(publisher, operations, 25, Duration.ofMillis(150));
                for (int restart = 0; restart < RESTARTS; restart++) {
                    WorkerFleet.sleep(4000);
                    broker.stop();
                    System.out.printf("[faults] %s: broker stopped (%d of %d)%n", SCENARIO, restart + 1, RESTARTS);
                    WorkerFleet.sleep(OUTAGE.toMillis());
                    broker.start();
                    System.out.printf("[faults] %s: broker started again on %s%n", SCENARIO, broker.bootstrapServers());
                }
                List<String> keys = published.get(4, TimeUnit.MINUTES);
                pipeline.awaitEnded(keys, ledger, Duration.ofMinutes(2), Duration.ofSeconds(3));
                fleet.stop(30);

                Tally tally = Tally.of(keys, ledger, pipeline.deadLetters(), List.of());
                FaultReport.add(new Row(
                        SCENARIO,
                        operations.size(),
                        RESTARTS + " broker restarts, " + OUTAGE.toSeconds() + " s down each",
                        tally.lost().size(),
                        tally.duplicated().size(),
                        "0 (<= 0)",
                        "",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos)));

                assertThat(keys).as("operations Kafka acknowledged").hasSize(operations.size());
                assertThat(tally.lost())
                        .as("keys with neither an effect nor a dead letter" + tally.examples(5))
                        .isEmpty();
                assertThat(tally.duplicated())
                        .as("keys that ended more than once" + tally.examples(5))
                        .isEmpty();
            }
        }
    }
}
