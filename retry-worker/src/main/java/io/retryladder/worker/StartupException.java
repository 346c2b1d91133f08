package io.retryladder.worker;

/**
 * An error in the worker's surroundings that stops it at start-up and that the operator corrects:
 * brokers that cannot be reached, a missing topic, tiers with different partition counts or a port
 * in use. Its message names the value and the fix.
 */
public class StartupException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
