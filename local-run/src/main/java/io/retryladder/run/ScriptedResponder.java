package io.retryladder.run;

import io.retryladder.run.DownstreamScript.Decision;
import io.retryladder.run.DownstreamServer.Request;
import io.retryladder.run.DownstreamServer.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Responds to calls as a {@link DownstreamScript} decides. The outage window is measured from the start
 * of the run, which is the creation of the responder until {@link #startRun} moves it. Delayed
 * responses are sent from a scheduler, so a slow response blocks no thread.
 */
public final class ScriptedResponder implements DownstreamServer.Responder {

    private final DownstreamScript script;
    private final Clock clock;
    private final DoubleSupplier random;
    private final ScheduledExecutorService scheduler =
            Executors.newScheduledThreadPool(2, DownstreamServer.daemonThreads("downstream-delay"));
    private volatile Instant runStart;

    public ScriptedResponder(DownstreamScript script, Clock clock) {
        this(script, clock, () -> ThreadLocalRandom.current().nextDouble());
    }

    ScriptedResponder(DownstreamScript script, Clock clock, DoubleSupplier random) {
        this.script = Objects.requireNonNull(script, "script");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.runStart = clock.instant();
    }

    public DownstreamScript script() {
        return script;
    }

    /** Makes the current instant the start of the run, from which the outage window is measured. */
    public void startRun() {
        runStart = clock.instant();
    }

    /** Returns the time since the start of the run. */
    public Duration sinceStart() {
        return Duration.between(runStart, clock.instant());
    }

    /** Returns whether the outage window is open now. */
    public boolean inOutage() {
        return script.inOutage(sinceStart());
    }

    @Override
    public CompletableFuture<Response> respond(Request request) {
        Decision decision = script.decide(request.idempotencyKey(), sinceStart(), random);
        Response reply = Response.text(
                decision.status(),
                decision.cause().name().toLowerCase(Locale.ROOT).replace('_', ' ') + "\n");
        if (decision.delay().isZero()) {
            return CompletableFuture.completedFuture(reply);
        }
        CompletableFuture<Response> delayed = new CompletableFuture<>();
        scheduler.schedule(() -> delayed.complete(reply), decision.delay().toNanos(), TimeUnit.NANOSECONDS);
        return delayed;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
