package io.retryladder.bench.peer;

/** A failed call to the downstream; Spring routes the record to the next retry topic or the dead-letter topic. */
public final class DownstreamException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DownstreamException(String message) {
        super(message, null, false, false);
    }

    public DownstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
