package io.retryladder.worker;

import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.config.StatusRanges;
import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one attempt.
 *
 * @param succeeded whether the operation took effect
 * @param errorKind category of the failure; null on success
 * @param message error text; empty on success
 * @param httpStatus status of the response, when there was one
 * @param retryable whether another attempt is worthwhile; ignored on success
 * @param retryAfter the delay the downstream asked for, or null
 * @param overloaded whether the downstream signalled overload (429, 503 or Retry-After), which lowers
 *     the rate of calls to it
 */
public record AttemptResult(
        boolean succeeded,
        ErrorKind errorKind,
        String message,
        Integer httpStatus,
        boolean retryable,
        Duration retryAfter,
        boolean overloaded) {

    public AttemptResult {
        message = message == null ? "" : message;
    }

    public static AttemptResult success() {
        return new AttemptResult(true, null, "", null, false, null, false);
    }

    public static AttemptResult success(int httpStatus) {
        return new AttemptResult(true, null, "", httpStatus, false, null, false);
    }

    /** A failure worth another attempt. */
    public static AttemptResult retryable(ErrorKind kind, String message) {
        return new AttemptResult(false, Objects.requireNonNull(kind, "kind"), message, null, true, null, false);
    }

    /** A failure that another attempt would not fix; the operation is dead-lettered. */
    public static AttemptResult nonRetryable(ErrorKind kind, String message) {
        return new AttemptResult(false, Objects.requireNonNull(kind, "kind"), message, null, false, null, false);
    }

    /**
     * Returns whether the failure says something about the target's health rather than about this
     * one request: a connection failure, a timeout, a retryable failure of a custom handler, or one of
     * {@code breakerStatuses} (by default 502, 503 and 504). Such failures count against the target's
     * circuit breaker.
     */
    public boolean countsAsTargetFailure(StatusRanges breakerStatuses) {
        if (succeeded) {
            return false;
        }
        if (httpStatus != null) {
            return breakerStatuses.contains(httpStatus);
        }
        return errorKind == ErrorKind.CONNECTION_FAILED
                || errorKind == ErrorKind.TIMEOUT
                || (errorKind == ErrorKind.HANDLER_ERROR && retryable);
    }
}
