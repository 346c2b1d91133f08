package io.retryladder.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.codec.WireFormat;
import io.retryladder.envelope.registry.SchemaRegistryClient;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.testing.SchemaRegistryExtension;
import io.retryladder.testing.SchemaRegistryExtension.SchemaRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** list, inspect and replay of envelopes in the schema registry wire format, against a real Apicurio Registry. */
@ExtendWith({KafkaExtension.class, SchemaRegistryExtension.class})
class RegistryIT {

    @Test
    void registryEncodedRoundTrip(KafkaCluster kafka, SchemaRegistry registry) throws Exception {
        EnvelopeCodec codec = EnvelopeCodec.withRegistry(client(registry), true);
        try (TestPipeline pipeline = new TestPipeline(kafka)
                .createTopics()
                .withCodec(codec)
                .with("DLQ_TOOLS_SCHEMA_REGISTRY_URL", registry.url())) {
            FailedOperation http = TestPipeline.httpDeadLetter("reg-http")
                    .setCallerHeaders(TestOperations.awkwardHeaders())
                    .build();
            FailedOperation custom =
                    TestPipeline.customDeadLetter("reg-null", null).build();
            RecordMetadata httpRecord = pipeline.write(http);
            pipeline.write(custom);
            String httpId = httpRecord.partition() + ":" + httpRecord.offset();

            CliRun list = pipeline.run("list");
            assertThat(list.exitCode).as(list.toString()).isZero();
            assertThat(list.out).contains("reg-http", "reg-null", "2 of 2 dead letters shown");
            assertThat(list.out).doesNotContain("UNREADABLE");
            CliRun inspect = pipeline.run("inspect", httpId);
            assertThat(inspect.out).contains("Envelope (schema version 1)", "trace: hex c32800ff", "\"amount\" : 42");

            CliRun replay = pipeline.run("replay", "--all", "--replay-id", "reg-1");

            assertThat(replay.exitCode).as(replay.toString()).isZero();
            List<ConsumerRecord<byte[], byte[]>> replayed = pipeline.read(pipeline.firstTier());
            assertThat(replayed).hasSize(2);
            Map<String, FailedOperation> byKey = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : replayed) {
                assertThat(WireFormat.detect(record.value())).isEqualTo(WireFormat.REGISTRY);
                FailedOperation envelope =
                        EnvelopeCodec.withRegistry(client(registry), false).decode(record.value());
                byKey.put(envelope.getIdempotencyKey(), envelope);
            }
            assertThat(byKey.get("reg-http").getCallerHeaders()).isEqualTo(http.getCallerHeaders());
            assertThat(byKey.get("reg-http").getRequest()).isEqualTo(http.getRequest());
            assertThat(byKey.get("reg-http").getReplayCount()).isEqualTo(1);
            assertThat(byKey.get("reg-http").getAttempt()).isZero();
            assertThat(((CustomOperation) byKey.get("reg-null").getRequest()).getPayload())
                    .isNull();
            assertThat(client(registry).lookUp(EnvelopeCodec.subjectOf(pipeline.firstTier()), http.getSchema()))
                    .isPositive();
        }
    }

    @Test
    void registryEnvelopesWithoutRegistryAreUnreadable(KafkaCluster kafka, SchemaRegistry registry) throws Exception {
        try (TestPipeline pipeline =
                new TestPipeline(kafka).createTopics().withCodec(EnvelopeCodec.withRegistry(client(registry), true))) {
            RecordMetadata record =
                    pipeline.write(TestPipeline.httpDeadLetter("reg-unknown").build());
            String id = record.partition() + ":" + record.offset();
            ToolContext withoutRegistry =
                    new ToolContext(pipeline.environment, Clock.systemUTC(), Terminal.none(), new StopSignal());

            assertThat(CliRun.run(withoutRegistry, "list").out).contains("UNREADABLE");
            CliRun list = CliRun.run(withoutRegistry, "list", "-o", "json");
            assertThat(list.out).contains("no registry is configured; set schema.registry.url");
            CliRun inspect = CliRun.run(withoutRegistry, "inspect", id);
            assertThat(inspect.exitCode).as(inspect.toString()).isZero();
            assertThat(inspect.out).contains("Unreadable: cannot decode the envelope", "Value (");
            CliRun replay = CliRun.run(withoutRegistry, "replay", "--all");
            assertThat(replay.exitCode).isEqualTo(ExitCodes.PARTIAL);
            assertThat(replay.out).contains("Unreadable, never replayed 1");
            assertThat(pipeline.read(pipeline.firstTier())).isEmpty();
        }
    }

    private static SchemaRegistryClient client(SchemaRegistry registry) {
        return new SchemaRegistryClient(registry.url(), null, Duration.ofSeconds(10));
    }
}
