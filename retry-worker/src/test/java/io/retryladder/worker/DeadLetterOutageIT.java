package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.testing.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** While the dead-letter topic cannot be written, dead letters wait durably and are written once later. */
@ExtendWith(KafkaExtension.class)
class DeadLetterOutageIT {

    @Test
    void deadLettersHeldAcrossRestartAndWrittenOnce(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.status(422));
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            RetryWorker first = pipeline.startWorker();
            setMinInSyncReplicas(kafka, pipeline.deadLetterTopic(), "2");
            Thread.sleep(1500);
            RetryPublisher publisher = pipeline.publisher();

            for (int i = 0; i < 20; i++) {
                Operation operation = Operation.http("POST", downstream.baseUrl() + "/x")
                        .idempotencyKey("held-" + i)
                        .build();
                publisher.publish(operation, Failure.httpStatus(503, "", null)).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> downstream.calls().size() == 20);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gauge(first, "retry.worker.dead.letters.pending") == 20.0);

            pipeline.stop(first);
            RetryWorker second = pipeline.startWorker();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gauge(second, "retry.worker.dead.letters.pending") == 20.0);
            assertThat(Topics.readAll(kafka.clientProperties(), pipeline.deadLetterTopic(), Duration.ofSeconds(10)))
                    .isEmpty();

            setMinInSyncReplicas(kafka, pipeline.deadLetterTopic(), "1");

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> pipeline.deadLetters().size() >= 20);
            Thread.sleep(2000);
            List<FailedOperation> deadLetters = pipeline.deadLetterEnvelopes();
            assertThat(deadLetters).hasSize(20);
            assertThat(deadLetters)
                    .extracting(FailedOperation::getIdempotencyKey)
                    .doesNotHaveDuplicates();
            assertThat(downstream.calls()).as("no attempt repeated").hasSize(20);
            assertThat(gauge(second, "retry.worker.dead.letters.pending")).isZero();
            assertThat(DedupeIT.counter(second, "retry.worker.dead.letter.write.failures"))
                    .isPositive();
        }
    }

    static double gauge(RetryWorker worker, String name) {
        return worker.meterRegistry().find(name).gauges().stream()
                .mapToDouble(g -> g.value())
                .sum();
    }

    private static void setMinInSyncReplicas(KafkaCluster kafka, String topic, String value) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        kafka.admin()
                .incrementalAlterConfigs(Map.of(
                        resource,
                        List.of(new AlterConfigOp(
                                new ConfigEntry("min.insync.replicas", value), AlterConfigOp.OpType.SET))))
                .all()
                .get(30, TimeUnit.SECONDS);
    }
}
