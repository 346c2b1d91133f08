package io.retryladder.worker;

import java.util.concurrent.CompletionStage;

/**
 * Re-attempts custom operations of one type. Workers find implementations with
 * {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.retryladder.worker.OperationHandler} and put its jar on the worker's
 * class path.
 *
 * <p>{@link #attempt} is called on a worker thread that must not block: start the work and return a
 * stage that completes with the result. Implementations must be thread-safe and should pass the
 * idempotency key to the downstream, since a worker crash can repeat an attempt that was in flight.
 */
public interface OperationHandler {

    /** Returns the operation type this handler serves, as producers name it in Operation.custom. */
    String type();

    CompletionStage<AttemptResult> attempt(AttemptRequest request);
}
