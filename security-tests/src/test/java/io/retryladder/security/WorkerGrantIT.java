package io.retryladder.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.TempDirectories;
import io.retryladder.worker.RetryWorkerMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker runs with exactly the grant of {@link Grants#worker}: it takes an operation through
 * every tier to success, dead-letters another, re-publishes a record found in the wrong partition,
 * and after losing its local state restores it from its changelog topics.
 */
@ExtendWith(SecuredKafkaExtension.class)
class WorkerGrantIT {

    @Test
    void minimalGrantRunsPipeline(SecuredKafka kafka) throws Exception {
        SecuredPipeline pipeline = new SecuredPipeline(kafka, "grant");
        pipeline.createTopics();
        kafka.grant(Grants.worker(
                "User:" + SecuredKafka.WORKER,
                pipeline.applicationId,
                pipeline.tierTopics(),
                pipeline.deadLetterTopic()));
        kafka.grant(Grants.publisher(
                "User:" + SecuredKafka.PUBLISHER, pipeline.tierTopics().get(0)));
        Map<String, String> settings = new LinkedHashMap<>(pipeline.workerSettings());
        settings.putAll(pipeline.clientSettings(SecuredKafka.WORKER));
        Path config = pipeline.writeProperties("worker.properties", settings);

        try (LoopbackDownstream downstream = LoopbackDownstream.start(WorkerGrantIT::answer);
                RetryPublisher publisher =
                        pipeline.publisher(kafka.listener.clientProperties(SecuredKafka.PUBLISHER), Map.of())) {
            try (ChildJvm worker = startWorker(pipeline, config, "worker-1.log")) {
                publish(publisher, downstream, "retried");
                publish(publisher, downstream, "rejected");
                writeToWrongPartition(kafka, pipeline, downstream, "misplaced");

                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> downstream.effects("retried") == 1
                                && downstream.effects("misplaced") == 1
                                && SecuredPipeline.names(pipeline.deadLetters()).contains("rejected"));
                assertThat(attempts(downstream, "retried"))
                        .as("attempts of the operation that went through every tier")
                        .containsExactly(2, 3, 4);
                assertThat(SecuredPipeline.names(pipeline.deadLetters())).containsExactly("rejected");
                assertThat(worker.output()).doesNotContain("Not authorized");
            }

            TempDirectories.delete(Path.of(settings.get("state.dir")));
            try (ChildJvm worker = startWorker(pipeline, config, "worker-2.log")) {
                publish(publisher, downstream, "retried");
                publish(publisher, downstream, "after-restore");

                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> downstream.effects("after-restore") == 1);
                assertThat(attempts(downstream, "retried"))
                        .as("attempts of the succeeded key after the worker restored its state")
                        .containsExactly(2, 3, 4);
                assertThat(worker.output()).doesNotContain("Not authorized");
            }
        }
    }

    private static ChildJvm startWorker(SecuredPipeline pipeline, Path config, String logName) {
        ChildJvm worker = ChildJvm.start(
                RetryWorkerMain.class.getName(),
                List.of("--config", config.toString()),
                Map.of(),
                pipeline.dir.resolve(logName));
        assertThat(pipeline.awaitWorkerReady(worker, Duration.ofSeconds(90)))
                .as("worker ready; its output:%n%s", worker.output())
                .isTrue();
        return worker;
    }

    private static void publish(RetryPublisher publisher, LoopbackDownstream downstream, String key) throws Exception {
        publisher
                .publish(
                        Operation.http("POST", downstream.baseUrl() + "/" + key)
                                .idempotencyKey(key)
                                .build(),
                        Failure.httpStatus(503, "", null))
                .get(30, TimeUnit.SECONDS);
    }

    /** Writes an envelope into a partition of the first tier other than its key's, as the admin. */
    private static void writeToWrongPartition(
            SecuredKafka kafka, SecuredPipeline pipeline, LoopbackDownstream downstream, String key) throws Exception {
        String topic = pipeline.tierTopics().get(0);
        FailedOperation envelope =
                TestOperations.http(key, downstream.baseUrl() + "/" + key).build();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int wrongPartition = (Utils.toPositive(Utils.murmur2(keyBytes)) % 3 + 1) % 3;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(kafka.adminProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic,
                            wrongPartition,
                            keyBytes,
                            EnvelopeCodec.singleObject().encode(topic, envelope),
                            PipelineHeaders.forEnvelope(envelope)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static List<Integer> attempts(LoopbackDownstream downstream, String key) {
        return downstream.calls().stream()
                .filter(call -> key.equals(call.idempotencyKey()))
                .map(Call::attempt)
                .toList();
    }

    /** "retried" fails at attempts 2 and 3 and succeeds at 4; "rejected" gets 422, which is not retried. */
    private static Response answer(Call call) {
        if ("rejected".equals(call.idempotencyKey())) {
            return Response.status(422);
        }
        if ("retried".equals(call.idempotencyKey())) {
            return call.attempt() >= 4 ? Response.ok() : Response.status(500);
        }
        return Response.ok();
    }
}
