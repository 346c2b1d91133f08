package io.retryladder.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** A custom handler the worker finds through META-INF/services in the test class path. */
public final class ServiceLoadedHandler implements OperationHandler {

    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @Override
    public String type() {
        return "test.service-loaded";
    }

    @Override
    public CompletionStage<AttemptResult> attempt(AttemptRequest request) {
        ATTEMPTS.incrementAndGet();
        return CompletableFuture.completedFuture(AttemptResult.success());
    }
}
