package io.retryladder.worker.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether this worker stops fetching new tier records: when every known target's breaker
 * is open, or when its timer stores hold more waiting records than the configured bound. Records
 * already fetched are still processed, and the consumers keep polling, so the worker stays in its
 * group.
 */
public final class PauseController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PauseController.class);

    private final CallDispatcher dispatcher;
    private final WorkerMetrics metrics;
    private final long maxWaitingRecords;
    private final ScheduledExecutorService scheduler;
    private volatile boolean paused;

    public PauseController(CallDispatcher dispatcher, WorkerMetrics metrics, long maxWaitingRecords) {
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.maxWaitingRecords = maxWaitingRecords;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "retry-worker-pause-controller");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::evaluate, 50, 50, TimeUnit.MILLISECONDS);
    }

    public boolean isPaused() {
        return paused;
    }

    void evaluate() {
        try {
            boolean everyTargetOpen = dispatcher.everyTargetOpen();
            long waiting = metrics.waitingTotal();
            boolean shouldPause = everyTargetOpen || waiting > maxWaitingRecords;
            if (shouldPause != paused) {
                paused = shouldPause;
                if (shouldPause) {
                    log.warn(
                            "Pausing consumption of tier topics: {}",
                            everyTargetOpen
                                    ? "every target's circuit breaker is open"
                                    : waiting + " records wait, more than retry.pause.max.waiting.records ("
                                            + maxWaitingRecords + ")");
                } else {
                    log.info("Resuming consumption of tier topics ({} records waiting)", waiting);
                }
            }
        } catch (RuntimeException e) {
            log.error(
                    "Failed to decide whether to pause consumption; keeping the current state ({})",
                    paused ? "paused" : "consuming",
                    e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
