package io.retryladder.envelope.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Version 1 is the shipped schema; version 2 adds an optional field and an error kind. Each reader
 * must read the other's records.
 */
class SchemaEvolutionTest {

    private static final Schema V1 = EnvelopeSchemas.current();
    private static final Schema V2 = loadV2();

    @Test
    void versionsAreMutuallyCompatible() {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(V2, V1).getType())
                .as("v2 reader, v1 writer")
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(V1, V2).getType())
                .as("v1 reader, v2 writer")
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void v2ReaderReadsV1Record() throws IOException {
        FailedOperation v1Record = TestOperations.http("evolve-1", "http://127.0.0.1:9/x")
                .setCallerHeaders(TestOperations.awkwardHeaders())
                .build();
        byte[] bytes = writeSpecific(v1Record);

        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(V1, V2);
        GenericRecord read = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(read.get("tenant")).isNull();
        assertThat(read.get("schemaVersion")).isEqualTo(1);
        assertThat(read.get("idempotencyKey").toString()).isEqualTo("evolve-1");
        assertThat(((GenericRecord) read.get("lastError")).get("kind").toString())
                .isEqualTo("HTTP_STATUS");
        assertThat((java.util.List<?>) read.get("callerHeaders")).hasSize(5);
    }

    @Test
    void v1ReaderReadsV2Record() throws IOException {
        GenericRecord v2Record =
                asV2(TestOperations.http("evolve-2", "http://127.0.0.1:9/x").build());
        v2Record.put("tenant", "acme");
        v2Record.put("schemaVersion", 2);
        GenericRecord lastError = (GenericRecord) v2Record.get("lastError");
        Schema kindSchema = V2.getField("lastError").schema().getField("kind").schema();
        lastError.put("kind", new GenericData.EnumSymbol(kindSchema, "RATE_LIMITED"));
        byte[] bytes = writeGeneric(v2Record, V2);

        SpecificDatumReader<FailedOperation> reader = new SpecificDatumReader<>(V2, V1);
        FailedOperation read = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(read.getIdempotencyKey()).isEqualTo("evolve-2");
        assertThat(read.getSchemaVersion()).isEqualTo(2);
        assertThat(read.getLastError().getKind())
                .as("an unknown error kind falls back to the enum default")
                .isEqualTo(ErrorKind.UNKNOWN);
        assertThat(read.getLastError().getHttpStatus()).isEqualTo(503);
    }

    @Test
    void singleObjectFromNewerVersionNamesTheFix() throws IOException {
        GenericRecord v2Record =
                asV2(TestOperations.http("evolve-3", "http://127.0.0.1:9/x").build());
        byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<GenericRecord>(GenericData.get(), V2)
                .encode(v2Record)
                .array();

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> EnvelopeCodec.singleObject().decode(bytes))
                .isInstanceOf(UndecodableEnvelopeException.class)
                .hasMessageContaining("unknown writer schema fingerprint")
                .hasMessageContaining("schema registry");
    }

    /** Converts a v1 record into a v2 record with the same values by a round trip through bytes. */
    static GenericRecord asV2(FailedOperation operation) {
        try {
            byte[] bytes = writeSpecific(operation);
            return new GenericDatumReader<GenericRecord>(V1, V2)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Schema loadV2() {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/failed-operation-v2.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] writeSpecific(FailedOperation operation) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(FailedOperation.class).write(operation, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    static byte[] writeGeneric(GenericRecord record, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
