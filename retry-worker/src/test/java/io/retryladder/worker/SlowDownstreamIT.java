package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Slow calls never hold up polling: the worker stays in its group and calls each attempt once. */
@ExtendWith(KafkaExtension.class)
class SlowDownstreamIT {

    @Test
    void slowCallsCauseNoRebalance(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream =
                        LoopbackDownstream.start(call -> Response.ok().after(Duration.ofSeconds(3)));
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            // Five records per poll at 3 s each would take 15 s, three times max.poll.interval.ms.
            RetryWorker worker = pipeline.startWorker(Map.of(
                    "main.consumer.max.poll.interval.ms", 5000,
                    "main.consumer.max.poll.records", 5,
                    "retry.call.timeout.ms", 20000));
            RetryPublisher publisher = pipeline.publisher();

            CompletableFuture<?>[] published = new CompletableFuture<?>[20];
            for (int i = 0; i < 20; i++) {
                Operation operation = Operation.http("POST", downstream.baseUrl() + "/slow")
                        .idempotencyKey("slow-" + i)
                        .build();
                published[i] = publisher.publish(operation, Failure.httpStatus(503, "", null));
            }
            CompletableFuture.allOf(published).get();

            await().atMost(Duration.ofSeconds(60)).until(() -> downstream.keysWithEffects() == 20);
            Thread.sleep(2000);
            assertThat(worker.rebalances()).isZero();
            Set<String> keyAndAttempt = new HashSet<>();
            for (Call call : downstream.calls()) {
                assertThat(keyAndAttempt.add(call.idempotencyKey() + "#" + call.attempt()))
                        .as("a second call for %s attempt %d", call.idempotencyKey(), call.attempt())
                        .isTrue();
            }
            assertThat(downstream.calls()).hasSize(20);
            assertThat(downstream.maxInFlight()).as("calls ran concurrently").isGreaterThan(5);
        }
    }
}
