package io.retryladder.worker.internal;

/** Looks up the value of a secret header by the reference a producer wrote in its place. */
@FunctionalInterface
public interface SecretResolver {

    /** Returns the secret's value, or null when the worker has no setting for it. */
    String resolve(String reference);
}
