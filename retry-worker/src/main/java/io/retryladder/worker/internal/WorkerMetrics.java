package io.retryladder.worker.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.Tier;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * The worker's meters, named {@code retry.worker.*} (Prometheus: {@code retry_worker_*}). Task
 * processors report their waiting records here so that gauges can sum them over tasks.
 */
public final class WorkerMetrics {

    private final MeterRegistry registry;
    private final Ladder ladder;
    private final Map<String, AtomicLongArray> waitingByTask = new ConcurrentHashMap<>();
    private final Map<String, AtomicLongArray> pendingDeadLettersByTask = new ConcurrentHashMap<>();
    private final Map<String, Timer> latenessByTier = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public WorkerMetrics(MeterRegistry registry, Ladder ladder) {
        this.registry = registry;
        this.ladder = ladder;
        for (Tier tier : ladder.tiers()) {
            Gauge.builder("retry.worker.waiting.records", () -> waiting(tier.index()))
                    .description("Records waiting in this worker's timer stores for their next attempt")
                    .tag("tier", tier.topic())
                    .register(registry);
            latenessByTier.put(
                    tier.topic(),
                    Timer.builder("retry.worker.lateness")
                            .description("Attempt start minus due time")
                            .tag("tier", tier.topic())
                            .publishPercentiles(0.5, 0.9, 0.99)
                            .publishPercentileHistogram()
                            .minimumExpectedValue(Duration.ofMillis(1))
                            .maximumExpectedValue(Duration.ofMinutes(5))
                            .register(registry));
        }
        Gauge.builder("retry.worker.dead.letters.pending", this::pendingDeadLetters)
                .description("Dead letters held in the timer store until the dead-letter topic is writable")
                .register(registry);
    }

    /** Registers the gauge of tier partitions this worker holds paused. */
    public void registerPausedPartitions(Supplier<Number> heldPartitions) {
        Gauge.builder("retry.worker.paused.partitions", heldPartitions)
                .description("Tier partitions whose consumption this worker has paused")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the gauge of calls in flight over all targets. */
    public void registerCallsInFlight(Supplier<Number> callsInFlight) {
        Gauge.builder("retry.worker.calls.in.flight", callsInFlight)
                .description("Calls in flight in this worker process")
                .register(registry);
    }

    void registerTarget(TargetGate gate) {
        Tags tags = Tags.of("target", gate.target().name());
        Gauge.builder("retry.worker.breaker.state", gate, WorkerMetrics::breakerStateValue)
                .description("Circuit breaker state per target: 0 closed, 1 half-open, 2 open")
                .tags(tags)
                .register(registry);
        Gauge.builder("retry.worker.target.allowed.rate", gate, TargetGate::allowedRatePerSecond)
                .description("Calls per second a target is allowed; +Inf when unlimited")
                .tags(tags)
                .register(registry);
        Gauge.builder("retry.worker.target.calls.in.flight", gate, TargetGate::callsInFlight)
                .description("Calls in flight per target")
                .tags(tags)
                .register(registry);
    }

    void breakerTransition(Target target, CircuitBreaker.State state) {
        counter(
                        "retry.worker.breaker.transitions",
                        "Circuit breaker state changes",
                        "target",
                        target.name(),
                        "to",
                        state.name().toLowerCase(java.util.Locale.ROOT))
                .increment();
    }

    void callRejected(Target target, String reason) {
        counter(
                        "retry.worker.calls.rejected",
                        "Attempts a target's gate turned away; none is charged an attempt",
                        "target",
                        target.name(),
                        "reason",
                        reason)
                .increment();
    }

    public void attempted(String tier, String outcome) {
        counter("retry.worker.attempts", "Attempts made, by tier and outcome", "tier", tier, "outcome", outcome)
                .increment();
    }

    public void lateness(String tier, long latenessMs) {
        Timer timer = latenessByTier.get(tier);
        if (timer != null) {
            timer.record(Math.max(0, latenessMs), TimeUnit.MILLISECONDS);
        }
    }

    public void deadLettered(String reason, String errorKind) {
        counter(
                        "retry.worker.dead.letters",
                        "Operations routed to the dead-letter topic",
                        "reason",
                        reason,
                        "error_kind",
                        errorKind)
                .increment();
    }

    public void deadLetterWriteDeferred() {
        counter(
                        "retry.worker.dead.letter.write.failures",
                        "Dead-letter writes put off because the dead-letter topic was not writable")
                .increment();
    }

    public void parked(String reason) {
        counter(
                        "retry.worker.parked",
                        "Records moved raw to the dead-letter topic because they could not be read",
                        "reason",
                        reason)
                .increment();
    }

    public void dedupeDropped(String reason) {
        counter(
                        "retry.worker.dedupe.dropped",
                        "Records dropped because their idempotency key was already known",
                        "reason",
                        reason)
                .increment();
    }

    public void deferred(String reason) {
        counter("retry.worker.deferrals", "Due records put off without an attempt", "reason", reason)
                .increment();
    }

    public void dueCapped() {
        counter("retry.worker.due.capped", "Records whose due time lay beyond the longest tier delay and was capped")
                .increment();
    }

    public void handedOver() {
        counter(
                        "retry.worker.handovers",
                        "Attempt results applied from the worker that made the call after the task moved here")
                .increment();
    }

    public void misplaced() {
        counter("retry.worker.misplaced", "Records read from a partition other than their key's, and re-published")
                .increment();
    }

    public void accepted(String tier) {
        counter("retry.worker.accepted", "Records that entered a timer store", "tier", tier)
                .increment();
    }

    /** Returns the counts array of one task, which the task updates as records come and go. */
    public AtomicLongArray waitingCounts(String taskId) {
        return waitingByTask.computeIfAbsent(
                taskId, id -> new AtomicLongArray(ladder.tiers().size()));
    }

    public AtomicLongArray pendingDeadLetterCounts(String taskId) {
        return pendingDeadLettersByTask.computeIfAbsent(taskId, id -> new AtomicLongArray(1));
    }

    /** Forgets a task's counts when this worker no longer runs it. */
    public void taskClosed(String taskId) {
        waitingByTask.remove(taskId);
        pendingDeadLettersByTask.remove(taskId);
    }

    /** Returns the records waiting over all tasks and tiers. */
    public long waitingTotal() {
        long total = 0;
        for (AtomicLongArray counts : waitingByTask.values()) {
            for (int i = 0; i < counts.length(); i++) {
                total += counts.get(i);
            }
        }
        return total + (long) pendingDeadLetters();
    }

    public double waiting(int tierIndex) {
        long total = 0;
        for (AtomicLongArray counts : waitingByTask.values()) {
            total += counts.get(tierIndex);
        }
        return total;
    }

    private double pendingDeadLetters() {
        long total = 0;
        for (AtomicLongArray counts : pendingDeadLettersByTask.values()) {
            total += counts.get(0);
        }
        return total;
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + String.join("|", tags);
        return counters.computeIfAbsent(
                key,
                ignored -> Counter.builder(name)
                        .description(description)
                        .tags(tags)
                        .register(registry));
    }

    private static double breakerStateValue(TargetGate gate) {
        return switch (gate.breakerState()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN, FORCED_OPEN -> 2;
            default -> 3;
        };
    }
}
