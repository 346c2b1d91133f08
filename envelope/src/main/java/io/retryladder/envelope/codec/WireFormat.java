package io.retryladder.envelope.codec;

/** The two byte layouts in which envelopes travel. */
public enum WireFormat {
    /**
     * The Confluent wire format: magic byte 0, a 4-byte big-endian schema id from the registry, then
     * Avro binary.
     */
    REGISTRY,
    /**
     * Avro single-object encoding: bytes C3 01, the 8-byte CRC-64-AVRO fingerprint of the writer
     * schema, then Avro binary. Needs no registry because every schema version ships in the jar.
     */
    SINGLE_OBJECT;

    static final byte REGISTRY_MAGIC = 0x0;
    static final byte SINGLE_OBJECT_MARKER_0 = (byte) 0xC3;
    static final byte SINGLE_OBJECT_MARKER_1 = (byte) 0x01;

    /** Returns the format of {@code bytes}, or null when they start like neither format. */
    public static WireFormat detect(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        if (bytes[0] == REGISTRY_MAGIC && bytes.length >= 5) {
            return REGISTRY;
        }
        if (bytes.length >= 10 && bytes[0] == SINGLE_OBJECT_MARKER_0 && bytes[1] == SINGLE_OBJECT_MARKER_1) {
            return SINGLE_OBJECT;
        }
        return null;
    }
}
