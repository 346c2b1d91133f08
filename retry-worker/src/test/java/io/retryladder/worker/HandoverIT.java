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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Calls in flight when their task moves to another worker are not made a second time. */
@ExtendWith(KafkaExtension.class)
class HandoverIT {

    @Test
    void callsInFlightDuringRebalanceNotRepeated(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream =
                        LoopbackDownstream.start(call -> Response.ok().after(Duration.ofSeconds(2)));
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200").with("retry.topics.partitions", "6")) {
            RetryWorker first = pipeline.startWorker(Map.of("retry.shutdown.drain.timeout.ms", 0));
            RetryPublisher publisher = pipeline.publisher();
            List<CompletableFuture<?>> published = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Operation operation = Operation.http("POST", downstream.baseUrl() + "/slow")
                        .idempotencyKey("handover-" + i)
                        .build();
                published.add(publisher.publish(operation, Failure.httpStatus(503, "", null)));
            }
            CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> first.callsInFlight() >= 30);

            RetryWorker second = pipeline.startWorker();
            await().atMost(Duration.ofSeconds(60)).until(() -> first.rebalances() >= 1);

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> downstream.keysWithEffects() == 60);
            Thread.sleep(5000);
            Set<String> seen = new HashSet<>();
            for (Call call : downstream.calls()) {
                assertThat(seen.add(call.idempotencyKey() + "#" + call.attempt()))
                        .as("%s attempt %d called twice", call.idempotencyKey(), call.attempt())
                        .isTrue();
            }
            assertThat(DedupeIT.counter(second, "retry.worker.handovers")
                            + DedupeIT.counter(first, "retry.worker.handovers"))
                    .as("results handed over between workers")
                    .isPositive();
            assertThat(pipeline.deadLetters()).isEmpty();
        }
    }
}
