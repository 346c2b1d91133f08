package io.retryladder.worker;

import static io.retryladder.worker.DueTimeSchedulingIT.awaitDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Partition counts: routing uses keys, never partition numbers, and tiers must agree. */
@ExtendWith(KafkaExtension.class)
class TopicLayoutIT {

    @Test
    void originOf12TiersOf3DeadLettersOf1(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.status(422));
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            String origin = pipeline.prefix + "orders";
            Topics.create(kafka.admin(), origin, 12);
            Topics.create(kafka.admin(), pipeline.deadLetterTopic(), 1);
            produceOrders(kafka, origin, 240);
            pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();

            List<ConsumerRecord<byte[], byte[]>> orders =
                    Topics.readAll(kafka.clientProperties(), origin, Duration.ofSeconds(30));
            List<CompletableFuture<?>> published = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> order : orders) {
                Operation operation = Operation.http("POST", downstream.baseUrl() + "/ship")
                        .idempotencyKey(new String(order.key(), StandardCharsets.UTF_8))
                        .fromRecord(order)
                        .build();
                published.add(publisher.publish(operation, Failure.httpStatus(503, "", null)));
            }
            CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            awaitDeadLetters(pipeline, 240);
            Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
            orders.forEach(order -> byKey.put(new String(order.key(), StandardCharsets.UTF_8), order));
            List<FailedOperation> deadLetters = pipeline.deadLetterEnvelopes();
            assertThat(deadLetters).hasSize(240);
            assertThat(deadLetters)
                    .extracting(FailedOperation::getIdempotencyKey)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(byKey.keySet());
            for (FailedOperation deadLetter : deadLetters) {
                ConsumerRecord<byte[], byte[]> order = byKey.get(deadLetter.getIdempotencyKey());
                assertThat(deadLetter.getOrigin().getTopic()).isEqualTo(origin);
                assertThat(deadLetter.getOrigin().getPartition()).isEqualTo(order.partition());
                assertThat(deadLetter.getOrigin().getOffset()).isEqualTo(order.offset());
                assertThat(deadLetter.getHop().getPartition()).isBetween(0, 2);
            }
            assertThat(byKey.values().stream()
                            .map(ConsumerRecord::partition)
                            .distinct()
                            .count())
                    .as("origin partitions used")
                    .isEqualTo(12);
        }
    }

    @Test
    void tiersWithDifferentPartitionCountsRejected(KafkaCluster kafka) {
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            Topics.create(kafka.admin(), pipeline.tier("300ms"), 3);
            Topics.create(kafka.admin(), pipeline.tier("600ms"), 3);
            Topics.create(kafka.admin(), pipeline.tier("1200ms"), 2);

            assertThatThrownBy(() -> RetryWorker.start(pipeline.workerSettings(Map.of())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(pipeline.tier("1200ms") + "=2")
                    .hasMessageContaining("same partition count")
                    .hasMessageContaining("--partitions 3");
        }
    }

    @Test
    void missingTierTakesOtherTiersCount(KafkaCluster kafka) throws Exception {
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            Topics.create(kafka.admin(), pipeline.tier("300ms"), 2);
            Topics.create(kafka.admin(), pipeline.tier("600ms"), 2);

            pipeline.startWorker();

            assertThat(partitions(kafka, pipeline.tier("1200ms")))
                    .as("partitions of the created tier")
                    .isEqualTo(2);
            assertThat(partitions(kafka, pipeline.deadLetterTopic()))
                    .as("partitions of the dead-letter topic, from retry.topics.partitions")
                    .isEqualTo(3);
        }
    }

    @Test
    void disagreeingTiersCreateNoTopic(KafkaCluster kafka) throws Exception {
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            Topics.create(kafka.admin(), pipeline.tier("300ms"), 3);
            Topics.create(kafka.admin(), pipeline.tier("600ms"), 2);

            assertThatThrownBy(() -> RetryWorker.start(pipeline.workerSettings(Map.of())))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("same partition count");
            Set<String> topics = kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(topics).as("topics after the failed start").doesNotContain(pipeline.tier("1200ms"));
            assertThat(topics).as("topics after the failed start").doesNotContain(pipeline.deadLetterTopic());
        }
    }

    @Test
    void missingTopicsRejectedWithoutCreatePermission(KafkaCluster kafka) {
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            Topics.create(kafka.admin(), pipeline.tier("300ms"), 3);

            assertThatThrownBy(() -> RetryWorker.start(pipeline.workerSettings(Map.of("retry.topics.create", "false"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(pipeline.tier("600ms"))
                    .hasMessageContaining(pipeline.deadLetterTopic())
                    .hasMessageContaining("retry.topics.create=true");
        }
    }

    private static int partitions(KafkaCluster kafka, String topic) throws Exception {
        return kafka.admin()
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .size();
    }

    private static void produceOrders(KafkaCluster kafka, String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(
                        topic,
                        i % 12,
                        ("order-" + i).getBytes(StandardCharsets.UTF_8),
                        ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
