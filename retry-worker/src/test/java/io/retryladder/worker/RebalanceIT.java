package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A waiting record survives its partition moving away and back. */
@ExtendWith(KafkaExtension.class)
class RebalanceIT {

    @Test
    void recordWaitsThroughTwoRebalances(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "4000,8000,16000");
                TierWriter writer = new TierWriter(kafka.clientProperties())) {
            RetryWorker first = pipeline.startWorker();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            List<String> keys = List.of("move-a", "move-b", "move-c", "move-d", "move-e", "move-f");
            for (String key : keys) {
                FailedOperation operation = TestOperations.http(key, downstream.baseUrl() + "/x")
                        .setLastFailureAt(now)
                        .setDueAt(now.plusSeconds(14))
                        .build();
                writer.write(pipeline.tier("4s"), operation);
            }

            RetryWorker second = pipeline.startWorker();
            await().atMost(Duration.ofSeconds(30)).until(() -> first.rebalances() >= 1);
            pipeline.stop(second);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> first.rebalances() >= 2
                            && first.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
            assertThat(downstream.calls()).as("nothing is due yet").isEmpty();

            await().atMost(Duration.ofSeconds(30)).until(() -> downstream.keysWithEffects() == keys.size());
            Thread.sleep(1000);
            assertThat(downstream.calls()).hasSize(keys.size());
            for (Call call : downstream.calls()) {
                assertThat(call.arrivedAtMs() - call.dueAtMs())
                        .as("lateness of %s", call.idempotencyKey())
                        .isBetween(0L, 1000L);
            }
            assertThat(first.isPaused()).isFalse();
            assertThat(DeadLetterOutageIT.gauge(first, "retry.worker.paused.partitions"))
                    .isZero();
        }
    }
}
