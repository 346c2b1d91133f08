package io.retryladder.envelope.registry;

/** A request to the schema registry failed or returned an error. */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public SchemaRegistryException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** Returns the HTTP status of the registry's response, or -1 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }
}
