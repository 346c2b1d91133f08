package io.retryladder.worker.internal;

/**
 * Counts the transactions that each stream thread's producer committed. Under exactly_once_v2 a
 * stream thread writes the changes of all its tasks in one transaction and commits it on the thread
 * itself. A processor that reads the count when it changes a store, and again later, can therefore
 * tell whether the change has become durable.
 */
public final class CommittedTransactions {

    private final ThreadLocal<long[]> counts = ThreadLocal.withInitial(() -> new long[1]);

    /** Returns how many transactions the producer of the calling thread has committed. */
    public long onThisThread() {
        return counts.get()[0];
    }

    void committed() {
        counts.get()[0]++;
    }
}
