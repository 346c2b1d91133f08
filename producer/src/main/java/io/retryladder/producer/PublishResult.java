package io.retryladder.producer;

import java.time.Instant;

/**
 * Where a failed operation was written.
 *
 * @param dueAt when the next attempt is due, on the publisher's clock
 */
public record PublishResult(
        String idempotencyKey, String operationId, String topic, int partition, long offset, Instant dueAt) {}
