package io.retryladder.producer;

/** An operation that cannot be published as it is; the message names the value and the fix. */
public class InvalidOperationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidOperationException(String message) {
        super(message);
    }
}
