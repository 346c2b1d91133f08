package io.retryladder.dlq;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop a running command early, for example from a shutdown hook on Ctrl-C. A replay
 * checks it between records, aborts the open transaction and returns. {@link #finished()} then lets
 * the hook end the process.
 */
public final class StopSignal {

    private volatile boolean requested;
    private volatile boolean guarded;
    private final CountDownLatch finished = new CountDownLatch(1);

    public synchronized void request() {
        requested = true;
    }

    public boolean isRequested() {
        return requested;
    }

    /**
     * Marks the start of work that a stop must let end cleanly, such as writing replay transactions.
     * Returns false, and marks nothing, when a stop was already requested.
     */
    public synchronized boolean guard() {
        if (requested) {
            return false;
        }
        guarded = true;
        return true;
    }

    /** Returns whether the command is in work that a stop must let end cleanly. */
    public synchronized boolean isGuarded() {
        return guarded;
    }

    /** Marks the command as done, so that {@link #awaitFinished} returns. */
    public void finished() {
        finished.countDown();
    }

    /** Waits up to {@code timeout} for the command to finish; returns whether it did. */
    public boolean awaitFinished(Duration timeout) {
        try {
            return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
