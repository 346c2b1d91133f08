package io.retryladder.producer;

import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.config.StatusRanges;

/** Decides whether a failure is worth another attempt. Implementations must be thread-safe. */
@FunctionalInterface
public interface FailureClassifier {

    boolean isRetryable(Failure failure);

    /**
     * Returns the classification set by the {@code retry.retryable.*} settings: listed HTTP statuses,
     * and connection errors and timeouts unless switched off; other failures follow their own
     * {@link Failure#retryable()} flag.
     */
    static FailureClassifier from(RetryPublisherConfig config) {
        StatusRanges statuses = StatusRanges.parse(
                RetryPublisherConfig.RETRYABLE_HTTP_STATUSES,
                config.getList(RetryPublisherConfig.RETRYABLE_HTTP_STATUSES));
        boolean connectionErrors = config.getBoolean(RetryPublisherConfig.RETRYABLE_CONNECTION_ERRORS);
        boolean timeouts = config.getBoolean(RetryPublisherConfig.RETRYABLE_TIMEOUTS);
        return failure -> {
            if (failure.httpStatus() != null) {
                return statuses.contains(failure.httpStatus());
            }
            if (failure.kind() == ErrorKind.CONNECTION_FAILED) {
                return connectionErrors;
            }
            if (failure.kind() == ErrorKind.TIMEOUT) {
                return timeouts;
            }
            return failure.retryable();
        };
    }
}
