package io.retryladder.envelope.codec;

/** Bytes that are not a readable envelope: wrong magic byte, unknown schema, or corrupt Avro. */
public class UndecodableEnvelopeException extends Exception {

    private static final long serialVersionUID = 1L;

    public UndecodableEnvelopeException(String message) {
        super(message);
    }

    public UndecodableEnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
