package io.retryladder.envelope.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.registry.SchemaRegistryClient;
import io.retryladder.envelope.registry.SchemaRegistryException;
import io.retryladder.testing.SchemaRegistryExtension;
import io.retryladder.testing.SchemaRegistryExtension.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry wire format against a real Apicurio Registry serving the Confluent API. */
@ExtendWith(SchemaRegistryExtension.class)
class EnvelopeRegistryIT {

    @Test
    void registryRoundTrip(SchemaRegistry registry) throws Exception {
        SchemaRegistryClient client = client(registry);
        EnvelopeCodec codec = EnvelopeCodec.withRegistry(client, true);
        String topic = "registry-round-trip-" + UUID.randomUUID();
        FailedOperation operation = TestOperations.http("reg-1", "http://127.0.0.1:9/x")
                .setCallerHeaders(TestOperations.awkwardHeaders())
                .build();

        byte[] bytes = codec.encode(topic, operation);

        assertThat(WireFormat.detect(bytes)).isEqualTo(WireFormat.REGISTRY);
        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(client.register(EnvelopeCodec.subjectOf(topic), EnvelopeSchemas.current()))
                .isEqualTo(id);
        FailedOperation decoded =
                EnvelopeCodec.withRegistry(client(registry), true).decode(bytes);
        assertThat(decoded).isEqualTo(operation);
    }

    @Test
    void singleObjectReaderWithRegistryReadsBoth(SchemaRegistry registry) throws Exception {
        EnvelopeCodec registryCodec = EnvelopeCodec.withRegistry(client(registry), true);
        FailedOperation operation =
                TestOperations.custom("reg-2", "ledger", null).build();

        byte[] viaRegistry = registryCodec.encode("both-" + UUID.randomUUID(), operation);
        byte[] viaSingleObject = EnvelopeCodec.singleObject().encode("t", operation);

        assertThat(registryCodec.decode(viaRegistry)).isEqualTo(operation);
        assertThat(registryCodec.decode(viaSingleObject)).isEqualTo(operation);
    }

    @Test
    void currentSchemaCopiedWithNewHeader(SchemaRegistry registry) throws Exception {
        EnvelopeCodec codec = EnvelopeCodec.withRegistry(client(registry), true);
        FailedOperation operation = TestOperations.http("reg-3", "http://127.0.0.1:9/x")
                .setCallerHeaders(TestOperations.awkwardHeaders())
                .build();
        byte[] viaRegistry = codec.encode("copy-" + UUID.randomUUID(), operation);

        assertThat(codec.toCurrentSingleObject(viaRegistry))
                .as("before the id was read")
                .isNull();
        codec.decode(viaRegistry);
        byte[] copy = codec.toCurrentSingleObject(viaRegistry);

        assertThat(copy).isEqualTo(EnvelopeCodec.singleObject().encode("t", operation));
        assertThat(EnvelopeCodec.singleObject().decode(copy)).isEqualTo(operation);
    }

    @Test
    void otherSchemaNotCopied(SchemaRegistry registry) throws Exception {
        SchemaRegistryClient client = client(registry);
        String subject = "copy-v2-" + UUID.randomUUID() + "-value";
        client.register(subject, EnvelopeSchemas.current());
        Schema v2 = SchemaEvolutionTest.loadV2();
        int v2Id = client.register(subject, v2);
        GenericRecord v2Record = SchemaEvolutionTest.asV2(
                TestOperations.http("reg-4", "http://127.0.0.1:9/x").build());
        v2Record.put("tenant", "acme");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(v2Id).array());
        out.write(SchemaEvolutionTest.writeGeneric(v2Record, v2));
        byte[] bytes = out.toByteArray();
        EnvelopeCodec codec = EnvelopeCodec.withRegistry(client, false);

        codec.decode(bytes);

        assertThat(codec.toCurrentSingleObject(bytes)).isNull();
    }

    @Test
    void lookUpWithoutRegistrationFailsClearly(SchemaRegistry registry) {
        EnvelopeCodec codec = EnvelopeCodec.withRegistry(client(registry), false);
        String topic = "never-registered-" + UUID.randomUUID();

        assertThatThrownBy(() -> codec.encode(
                        topic, TestOperations.http("k", "http://127.0.0.1:9/x").build()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(topic + "-value")
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void v1ReaderReadsV2RecordThroughRegistry(SchemaRegistry registry) throws Exception {
        SchemaRegistryClient client = client(registry);
        String subject = "evolution-" + UUID.randomUUID() + "-value";
        client.register(subject, EnvelopeSchemas.current());
        client.setCompatibility(subject, "FULL");
        Schema v2 = SchemaEvolutionTest.loadV2();
        assertThat(client.isCompatible(subject, v2)).isTrue();
        int v2Id = client.register(subject, v2);

        GenericRecord v2Record = SchemaEvolutionTest.asV2(
                TestOperations.http("reg-3", "http://127.0.0.1:9/x").build());
        v2Record.put("tenant", "acme");
        GenericRecord lastError = (GenericRecord) v2Record.get("lastError");
        lastError.put(
                "kind",
                new GenericData.EnumSymbol(
                        v2.getField("lastError").schema().getField("kind").schema(), "RATE_LIMITED"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(v2Id).array());
        out.write(SchemaEvolutionTest.writeGeneric(v2Record, v2));

        FailedOperation read = EnvelopeCodec.withRegistry(client, true).decode(out.toByteArray());

        assertThat(read.getIdempotencyKey()).isEqualTo("reg-3");
        assertThat(read.getLastError().getKind()).isEqualTo(ErrorKind.UNKNOWN);
    }

    @Test
    void incompatibleSchemaRejected(SchemaRegistry registry) {
        SchemaRegistryClient client = client(registry);
        String subject = "incompatible-" + UUID.randomUUID() + "-value";
        client.register(subject, EnvelopeSchemas.current());
        client.setCompatibility(subject, "BACKWARD");
        Schema incompatible = SchemaBuilder.record("FailedOperation")
                .namespace("io.retryladder.envelope.avro")
                .fields()
                .requiredLong("idempotencyKey")
                .endRecord();

        assertThat(client.isCompatible(subject, incompatible)).isFalse();
        assertThatThrownBy(() -> client.register(subject, incompatible))
                .isInstanceOf(SchemaRegistryException.class)
                .satisfies(e ->
                        assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(409));
    }

    @Test
    void unknownSchemaIdIsUndecodable(SchemaRegistry registry) {
        EnvelopeCodec codec = EnvelopeCodec.withRegistry(client(registry), true);
        byte[] bytes = {0, 0x7F, 0x7F, 0x7F, 0x7F, 2, 4};

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UndecodableEnvelopeException.class)
                .hasMessageContaining("unknown schema id " + 0x7F7F7F7F);
    }

    private static SchemaRegistryClient client(SchemaRegistry registry) {
        return new SchemaRegistryClient(registry.url(), null, Duration.ofSeconds(10));
    }
}
