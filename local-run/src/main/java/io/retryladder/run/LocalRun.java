package io.retryladder.run;

import io.retryladder.envelope.Ladder;
import io.retryladder.run.LoadGenerator.LoadProgress;
import io.retryladder.worker.RetryWorker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local run: starts the components, drives the load while the live view shows progress, waits
 * until every published operation succeeded or was dead-lettered (or the timeout passed), and
 * returns the accounting. Without {@code --keep-running} the workers stop before the accounting, so
 * it also covers attempts they made while shutting down.
 */
final class LocalRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRun.class);
    private static final Duration REFRESH = Duration.ofMillis(250);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final RunOptions options;
    private final RunDirectory directory;
    private final PrintStream out;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private RunStack stack;
    private DeadLetterReader deadLetters;
    private LoadGenerator load;
    private long startNanos;
    private boolean keepData;
    private volatile boolean closed;

    LocalRun(RunOptions options, RunDirectory directory, PrintStream out) {
        this.options = options;
        this.directory = directory;
        this.out = out;
    }

    /** Runs the pipeline and returns its accounting; with --keep-running, returns only after {@link #close}. */
    AccountingReport execute() {
        printHeader();
        synchronized (this) {
            throwIfClosed();
            stack = RunStack.start(options, directory, line -> out.println("  " + line));
        }
        Ladder ladder = stack.ladder();
        deadLetters = new DeadLetterReader(stack.clientSettings(), ladder.deadLetterTopic(), directory.runId());
        load = new LoadGenerator(
                stack.publisher(),
                stack.downstreamUrl(),
                directory.runId(),
                options.operations(),
                options.loadDuration());
        out.println();
        startNanos = System.nanoTime();
        if (stack.downstream().responder() instanceof ScriptedResponder scripted) {
            scripted.startRun();
        }
        load.start();
        log.info("Load of {} operations started over {}", options.operations(), options.loadDuration());

        LiveView view = new LiveView(
                out, options.liveView(), LiveView.terminalColumns(System.getenv(LiveView.COLUMNS_VARIABLE)));
        boolean timedOut = followUntilDone(view);
        view.showFinal(state(timedOut ? "timed out" : "done"));

        AccountingReport report = settle(timedOut);
        report.render().forEach(out::println);
        if (report.holds()) {
            log.info("Run {} finished and the accounting holds", directory.runId());
        } else {
            log.warn("Run {} finished and the accounting does not hold: {}", directory.runId(), report.checks());
        }
        keepData = !report.holds();
        if (options.keepRunning()) {
            keepData = true;
            printConnectionSettings();
            awaitStop();
        }
        return report;
    }

    /** Stops every component; safe to call more than once and from another thread, such as a shutdown hook. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopped.countDown();
        if (load != null) {
            load.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (!keepData && stack != null && stack.ownsBroker()) {
            directory.deleteData();
        }
    }

    private void printHeader() {
        out.println("Retry Ladder local run " + directory.runId());
        out.println(String.format(
                Locale.ROOT,
                "  %d operations over %.1f s, %d workers, tier delays %s ms, log in %s",
                options.operations(),
                options.loadDuration().toMillis() / 1000.0,
                options.workers(),
                options.tierDelaysSetting(),
                directory.logFile()));
    }

    /**
     * Redraws the view until the load finished and nothing is pending.
     *
     * @return whether the timeout passed first
     */
    private boolean followUntilDone(LiveView view) {
        long plannedEndNanos = startNanos + options.loadDuration().toNanos();
        while (true) {
            throwIfClosed();
            LiveView.State state = state(load.finished() ? "waiting for pending operations" : "load running");
            view.show(state);
            if (load.finished() && state.pending() == 0) {
                return false;
            }
            long timeoutFromNanos = load.finished() ? load.finishedAtNanos() : plannedEndNanos;
            if (System.nanoTime() - timeoutFromNanos > options.timeout().toNanos()) {
                log.warn("Timed out with {} operations pending", state.pending());
                return true;
            }
            sleep(REFRESH);
        }
    }

    private AccountingReport settle(boolean timedOut) {
        if (!options.keepRunning()) {
            load.close();
            stack.stopWorkers();
        }
        try {
            if (!deadLetters.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
                throw new IllegalStateException("The dead-letter reader did not reach the end of "
                        + stack.ladder().deadLetterTopic() + " within " + CATCH_UP_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the dead-letter topic", e);
        }
        return accounting(timedOut);
    }

    private AccountingReport accounting(boolean timedOut) {
        WorkerStatus workers = workerStatus();
        Ladder ladder = stack.ladder();
        return Accounting.compute(new Accounting.Inputs(
                directory.runId(),
                load.progress(),
                load.published(),
                load.failedKeys(),
                stack.downstream().effects(),
                deadLetters.reasonsByKey(),
                deadLetters.records(),
                workers.waitingTotal(),
                workers.latenessP99MsByTier(),
                ladder.first().topic(),
                ladder.deadLetterTopic(),
                timedOut,
                elapsed()));
    }

    private LiveView.State state(String phase) {
        AccountingReport counts = accounting(false);
        LoadProgress progress = load.progress();
        DownstreamServer downstream = stack.downstream();
        return new LiveView.State(
                elapsed(),
                phase,
                progress,
                downstream.calls(),
                downstream.callsInFlight(),
                downstream.responsesByStatus(),
                outageNote(),
                workerStatus(),
                counts.published(),
                counts.succeeded(),
                counts.deadLettered(),
                counts.pending());
    }

    private WorkerStatus workerStatus() {
        return WorkerStatus.read(stack.workers(), stack.ladder());
    }

    private String outageNote() {
        if (!(stack.downstream().responder() instanceof ScriptedResponder scripted)) {
            return "";
        }
        DownstreamScript script = scripted.script();
        if (script.outageDuration().isZero()) {
            return "";
        }
        Duration sinceStart = scripted.sinceStart();
        Duration end = script.outageStart().plus(script.outageDuration());
        if (sinceStart.compareTo(script.outageStart()) < 0) {
            return "outage in " + ceilSeconds(script.outageStart().minus(sinceStart)) + " s";
        }
        if (sinceStart.compareTo(end) < 0) {
            return "OUTAGE: all 503 for " + ceilSeconds(end.minus(sinceStart)) + " s more";
        }
        return "outage over";
    }

    private void printConnectionSettings() {
        Ladder ladder = stack.ladder();
        out.println();
        out.println("The broker, downstream and workers keep running. Connect dlq-tools with:");
        out.println("  --bootstrap-server " + stack.bootstrapServers());
        out.println("  --dead-letter-topic " + ladder.deadLetterTopic());
        out.println("  --tier-topics " + String.join(",", ladder.tierTopics()));
        out.println("  --application-id " + options.applicationId());
        if (!options.clientSettings().isEmpty()) {
            out.println("  and the Kafka client settings of --client-config");
        }
        out.println("Downstream: " + stack.downstreamUrl());
        for (RetryWorker worker : stack.workers()) {
            out.println("Worker " + worker.workerId() + ": health and metrics on http://127.0.0.1:" + worker.httpPort()
                    + "/metrics");
        }
        out.println("Broker data, worker state and log: " + directory.path());
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    private void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private void throwIfClosed() {
        if (closed) {
            throw new IllegalStateException("The run was stopped before it finished");
        }
    }

    private static long ceilSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }

    private static void sleep(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the run was in progress", e);
        }
    }
}
