package io.retryladder.bench;

/** Hands failed operations to a system under test. Thread-confined to the harness's load thread. */
public interface OperationPublisher extends AutoCloseable {

    /** Publishes operation {@code index} of the trial, asynchronously. */
    void publish(long index);

    /** Publishes warm-up operation {@code index}, which the recorder does not count, asynchronously. */
    void publishWarmUp(long index);

    /** Waits up to the publisher's timeout for every publication to be acknowledged; returns the failures. */
    long flush() throws InterruptedException;

    @Override
    void close();
}
