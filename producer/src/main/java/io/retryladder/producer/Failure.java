package io.retryladder.producer;

import io.retryladder.envelope.avro.ErrorKind;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * How an attempt failed.
 *
 * @param kind category of the failure
 * @param message error text; it is capped before it is written
 * @param httpStatus status of the response, or null when there was none
 * @param retryAfter the delay asked for by a Retry-After header, or null
 * @param retryable for failures without an HTTP status, whether another attempt is worthwhile; for
 *     HTTP statuses the publisher's classification decides and this value is ignored
 */
public record Failure(ErrorKind kind, String message, Integer httpStatus, Duration retryAfter, boolean retryable) {

    public Failure {
        Objects.requireNonNull(kind, "kind");
        message = message == null ? "" : message;
        if (retryAfter != null && retryAfter.isNegative()) {
            retryAfter = Duration.ZERO;
        }
    }

    /** An HTTP response with an error status. */
    public static Failure httpStatus(int status, String message, Duration retryAfter) {
        return new Failure(ErrorKind.HTTP_STATUS, message, status, retryAfter, true);
    }

    /** A call that could not connect or whose connection broke. */
    public static Failure connection(IOException error) {
        return new Failure(ErrorKind.CONNECTION_FAILED, String.valueOf(error), null, null, true);
    }

    /** A call that timed out. */
    public static Failure timeout(String message) {
        return new Failure(ErrorKind.TIMEOUT, message, null, null, true);
    }

    /** Classifies an exception thrown by an HTTP call. */
    public static Failure of(Throwable error) {
        if (error instanceof HttpTimeoutException) {
            return timeout(error.toString());
        }
        if (error instanceof IOException io) {
            return connection(io);
        }
        return new Failure(ErrorKind.HANDLER_ERROR, String.valueOf(error), null, null, false);
    }

    /** A failure of a custom operation; the caller decides whether it is worth another attempt. */
    public static Failure custom(String message, boolean retryable) {
        return new Failure(ErrorKind.HANDLER_ERROR, message, null, null, retryable);
    }

    /** Returns a short description such as "HTTP 404" or "TIMEOUT failure". */
    public String describe() {
        return httpStatus != null ? "HTTP " + httpStatus : kind + " failure";
    }
}
