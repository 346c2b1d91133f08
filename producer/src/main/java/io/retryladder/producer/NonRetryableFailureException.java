package io.retryladder.producer;

/**
 * A failure that the classification says is not worth another attempt, so the operation was not
 * published. The caller handles it now, for example by reporting the error to its own client.
 */
public class NonRetryableFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Failure failure;

    public NonRetryableFailureException(String idempotencyKey, Failure failure) {
        super("Operation " + idempotencyKey + " failed with a non-retryable " + failure.describe()
                + " and was not published; handle it in the caller, or list the status in "
                + RetryPublisherConfig.RETRYABLE_HTTP_STATUSES + " if it should be retried");
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
