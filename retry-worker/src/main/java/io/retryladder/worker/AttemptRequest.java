package io.retryladder.worker;

import java.time.Instant;

/**
 * One attempt of a custom operation, as a {@link OperationHandler} sees it.
 *
 * @param payload the operation's payload; null and empty stay distinct
 * @param attempt the number of this attempt; the first call was attempt 1
 * @param dueAt when the attempt was due
 */
public record AttemptRequest(
        String idempotencyKey, String operationId, String type, byte[] payload, int attempt, Instant dueAt) {}
