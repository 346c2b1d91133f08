package io.retryladder.producer;

import java.net.http.HttpResponse;

/**
 * What {@link RetryPublisher#call} did with an operation.
 *
 * @param response the HTTP response of the first call, or null when no response arrived
 * @param failure why the first call failed, or null when it succeeded
 * @param published where the operation was published, or null unless the outcome is {@link Outcome#PUBLISHED}
 */
public record CallResult(Outcome outcome, HttpResponse<byte[]> response, Failure failure, PublishResult published) {

    /** The three ways a call can end. */
    public enum Outcome {
        /** The first call succeeded; nothing was published. */
        SUCCEEDED,
        /** The first call failed in a retryable way and the operation entered the first tier. */
        PUBLISHED,
        /** The first call failed in a way not worth retrying; nothing was published. */
        NOT_RETRYABLE
    }
}
