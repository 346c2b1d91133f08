package io.retryladder.envelope.codec;

import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.registry.SchemaRegistryClient;
import io.retryladder.envelope.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Encodes and decodes envelopes. It writes one {@link WireFormat}, chosen at construction, and reads
 * both: records in the registry format need a registry client, records in single-object encoding
 * need none.
 *
 * <p>Thread-safe.
 */
public final class EnvelopeCodec {

    private static final SpecificData MODEL = SpecificData.getForSchema(FailedOperation.getClassSchema());
    /** The CRC-64-AVRO fingerprint of the current schema, as single-object encoding writes it. */
    private static final byte[] CURRENT_FINGERPRINT = fingerprint(EnvelopeSchemas.current());

    private final SchemaRegistryClient registry;
    private final boolean autoRegister;
    private final WireFormat writeFormat;
    private final BinaryMessageEncoder<FailedOperation> singleObjectEncoder;
    private final BinaryMessageDecoder<FailedOperation> singleObjectDecoder;
    private final SpecificDatumWriter<FailedOperation> writer = new SpecificDatumWriter<>(EnvelopeSchemas.current());
    private final Map<Integer, SpecificDatumReader<FailedOperation>> readersBySchemaId = new ConcurrentHashMap<>();
    private final Map<String, Integer> schemaIdsByTopic = new ConcurrentHashMap<>();
    /** Whether each schema id read so far encodes like the current schema. */
    private final Map<Integer, Boolean> currentSchemaIds = new ConcurrentHashMap<>();

    private EnvelopeCodec(SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.writeFormat = registry == null ? WireFormat.SINGLE_OBJECT : WireFormat.REGISTRY;
        this.singleObjectEncoder = new BinaryMessageEncoder<>(MODEL, EnvelopeSchemas.current());
        this.singleObjectDecoder = new BinaryMessageDecoder<>(MODEL, EnvelopeSchemas.current());
        for (Schema version : EnvelopeSchemas.versions()) {
            singleObjectDecoder.addSchema(version);
        }
    }

    /** Returns a codec that writes single-object encoding and needs no registry. */
    public static EnvelopeCodec singleObject() {
        return new EnvelopeCodec(null, false);
    }

    /**
     * Returns a codec that writes the registry wire format, registering the schema under each
     * topic's {@code <topic>-value} subject on first use when {@code autoRegister} is true, and only
     * looking it up otherwise.
     */
    public static EnvelopeCodec withRegistry(SchemaRegistryClient registry, boolean autoRegister) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null; use singleObject() to run without one");
        }
        return new EnvelopeCodec(registry, autoRegister);
    }

    public WireFormat writeFormat() {
        return writeFormat;
    }

    /** Returns the subject under which the envelope schema of {@code topic} is registered. */
    public static String subjectOf(String topic) {
        return topic + "-value";
    }

    /**
     * Encodes {@code operation} for {@code topic}.
     *
     * @throws SchemaRegistryException if the schema cannot be registered or found
     */
    public byte[] encode(String topic, FailedOperation operation) {
        try {
            if (writeFormat == WireFormat.SINGLE_OBJECT) {
                ByteBuffer buffer = singleObjectEncoder.encode(operation);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            }
            int id = schemaIdsByTopic.computeIfAbsent(topic, this::schemaId);
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(WireFormat.REGISTRY_MAGIC);
            out.write(ByteBuffer.allocate(Integer.BYTES).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(operation, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("Failed to encode operation " + operation.getOperationId(), e);
        }
    }

    /**
     * Decodes an envelope written in either wire format by any shipped or registered schema version.
     *
     * @throws UndecodableEnvelopeException with the reason when the bytes are not a readable envelope
     */
    public FailedOperation decode(byte[] bytes) throws UndecodableEnvelopeException {
        if (bytes == null) {
            throw new UndecodableEnvelopeException("the record value is null");
        }
        WireFormat format = WireFormat.detect(bytes);
        if (format == null) {
            throw new UndecodableEnvelopeException(String.format(
                    "unknown wire format: the value starts with 0x%s, expected 0x00 (schema registry) or 0xC301"
                            + " (Avro single-object encoding)",
                    bytes.length == 0 ? "(empty)" : hexPrefix(bytes)));
        }
        return format == WireFormat.REGISTRY ? decodeRegistry(bytes) : decodeSingleObject(bytes);
    }

    /**
     * Returns an envelope that {@link #decode} read, in single-object encoding of the current
     * schema, by changing its header alone. Returns null when another schema wrote the envelope,
     * so that it needs a full encode.
     */
    public byte[] toCurrentSingleObject(byte[] bytes) {
        WireFormat format = WireFormat.detect(bytes);
        if (format == WireFormat.SINGLE_OBJECT) {
            boolean current = Arrays.equals(bytes, 2, 10, CURRENT_FINGERPRINT, 0, CURRENT_FINGERPRINT.length);
            return current ? bytes : null;
        }
        if (format != WireFormat.REGISTRY) {
            return null;
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        if (!currentSchemaIds.getOrDefault(id, false)) {
            return null;
        }
        byte[] copy = new byte[bytes.length - 5 + 10];
        copy[0] = WireFormat.SINGLE_OBJECT_MARKER_0;
        copy[1] = WireFormat.SINGLE_OBJECT_MARKER_1;
        System.arraycopy(CURRENT_FINGERPRINT, 0, copy, 2, CURRENT_FINGERPRINT.length);
        System.arraycopy(bytes, 5, copy, 10, bytes.length - 5);
        return copy;
    }

    private int schemaId(String topic) {
        String subject = subjectOf(topic);
        return autoRegister
                ? registry.register(subject, EnvelopeSchemas.current())
                : registry.lookUp(subject, EnvelopeSchemas.current());
    }

    private FailedOperation decodeSingleObject(byte[] bytes) throws UndecodableEnvelopeException {
        try {
            return singleObjectDecoder.decode(bytes);
        } catch (MissingSchemaException e) {
            long fingerprint =
                    ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            throw new UndecodableEnvelopeException(
                    String.format(
                            "unknown writer schema fingerprint %016x: no envelope version shipped with this reader"
                                    + " wrote it; upgrade this component or exchange envelopes through a schema registry",
                            fingerprint),
                    e);
        } catch (IOException | RuntimeException e) {
            // Corrupt bytes surface as many runtime exceptions in Avro, such as a string length it refuses.
            throw new UndecodableEnvelopeException("corrupt single-object envelope: " + e, e);
        }
    }

    private FailedOperation decodeRegistry(byte[] bytes) throws UndecodableEnvelopeException {
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        if (registry == null) {
            throw new UndecodableEnvelopeException("the value uses the schema registry wire format (schema id " + id
                    + ") but no registry is configured; set schema.registry.url");
        }
        SpecificDatumReader<FailedOperation> reader;
        try {
            reader = readersBySchemaId.computeIfAbsent(id, this::readerFor);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                throw new UndecodableEnvelopeException("unknown schema id " + id + " at " + registry.baseUrl(), e);
            }
            throw e;
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
            FailedOperation operation = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableEnvelopeException(
                        "corrupt envelope with schema id " + id + ": " + "trailing bytes after the record");
            }
            return operation;
        } catch (IOException | RuntimeException e) {
            throw new UndecodableEnvelopeException("corrupt envelope with schema id " + id + ": " + e, e);
        }
    }

    private SpecificDatumReader<FailedOperation> readerFor(int schemaId) {
        Schema writer = registry.schemaById(schemaId);
        // Avro binary depends only on the parsing canonical form, which this fingerprint covers.
        currentSchemaIds.put(schemaId, Arrays.equals(fingerprint(writer), CURRENT_FINGERPRINT));
        return new SpecificDatumReader<>(writer, EnvelopeSchemas.current());
    }

    /** Returns the CRC-64-AVRO fingerprint of the parsing canonical form, little-endian, as in single-object encoding. */
    private static byte[] fingerprint(Schema schema) {
        return ByteBuffer.allocate(Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(schema))
                .array();
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            hex.append(String.format("%02X", bytes[i]));
        }
        return hex.toString();
    }
}
