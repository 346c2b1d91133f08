package io.retryladder.worker;

import static io.retryladder.worker.DueTimeSchedulingIT.awaitDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One idempotency key, one effect: duplicates are dropped and conflicting requests dead-lettered. */
@ExtendWith(KafkaExtension.class)
class DedupeIT {

    @Test
    void sameKeyThreeTimesCalledOnce(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            RetryWorker worker = pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();

            for (int i = 0; i < 3; i++) {
                publisher
                        .publish(charge(downstream, "dup-1", "{\"amount\":5}"), Failure.httpStatus(503, "", null))
                        .get(30, TimeUnit.SECONDS);
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> downstream.effects("dup-1") == 1);
            Thread.sleep(1500);
            assertThat(downstream.calls()).hasSize(1);
            assertThat(counter(worker, "retry.worker.dedupe.dropped")).isEqualTo(2.0);
            assertThat(pipeline.deadLetters()).isEmpty();
        }
    }

    @Test
    void sameKeyOtherRequestDeadLetteredAsConflict(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();

            publisher
                    .publish(charge(downstream, "conflict-1", "{\"amount\":5}"), Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);
            publisher
                    .publish(charge(downstream, "conflict-1", "{\"amount\":7}"), Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);

            awaitDeadLetters(pipeline, 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> downstream.effects("conflict-1") == 1);
            assertThat(downstream.calls()).hasSize(1);
            assertThat(downstream.calls().get(0).bodyText()).isEqualTo("{\"amount\":5}");
            FailedOperation deadLetter = pipeline.deadLetterEnvelopes().get(0);
            assertThat(deadLetter.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.KEY_CONFLICT);
            assertThat(deadLetter.getLastError().getKind()).isEqualTo(ErrorKind.KEY_CONFLICT);
            assertThat(deadLetter.getLastError().getMessage()).contains("different request");
        }
    }

    @Test
    void duplicateAfterRestartStillDropped(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            RetryWorker first = pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();
            publisher
                    .publish(charge(downstream, "restart-1", "{}"), Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> downstream.effects("restart-1") == 1);

            pipeline.stop(first);
            pipeline.startWorker();
            publisher
                    .publish(charge(downstream, "restart-1", "{}"), Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);

            Thread.sleep(3000);
            assertThat(downstream.calls())
                    .as("a new worker restored the key's state from its changelog")
                    .hasSize(1);
        }
    }

    @Test
    void finishedKeyForgottenAfterRetention(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            pipeline.startWorker(Map.of("retry.dedupe.retention.ms", 2000));
            RetryPublisher publisher = pipeline.publisher();
            publisher
                    .publish(charge(downstream, "expire-1", "{}"), Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> downstream.effects("expire-1") == 1);

            Thread.sleep(4000);
            publisher
                    .publish(charge(downstream, "expire-1", "{}"), Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(20)).until(() -> downstream.effects("expire-1") == 2);
        }
    }

    static double counter(RetryWorker worker, String name) {
        return worker.meterRegistry().find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private static Operation charge(LoopbackDownstream downstream, String key, String body) {
        return Operation.http("POST", downstream.baseUrl() + "/charges")
                .idempotencyKey(key)
                .body(body)
                .build();
    }
}
