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
    private final CountDownLatch finished = new CountDownLatch(1);

    public void request() {
        requested = true;
    }

    public boolean isRequested() {
        return requested;
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
