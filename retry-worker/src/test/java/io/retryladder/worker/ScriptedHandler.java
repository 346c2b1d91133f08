package io.retryladder.worker;

import io.retryladder.envelope.avro.ErrorKind;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A custom operation handler for tests that answers each attempt with a function and records it. */
final class ScriptedHandler implements OperationHandler {

    private final String type;
    private final Function<AttemptRequest, AttemptResult> behavior;
    final List<AttemptRequest> attempts = new CopyOnWriteArrayList<>();

    ScriptedHandler(String type, Function<AttemptRequest, AttemptResult> behavior) {
        this.type = type;
        this.behavior = behavior;
    }

    static ScriptedHandler alwaysFailing(String type, String message) {
        return new ScriptedHandler(type, request -> AttemptResult.retryable(ErrorKind.HANDLER_ERROR, message));
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public CompletionStage<AttemptResult> attempt(AttemptRequest request) {
        attempts.add(request);
        return CompletableFuture.completedFuture(behavior.apply(request));
    }
}
