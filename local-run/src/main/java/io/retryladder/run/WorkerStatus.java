package io.retryladder.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.Tier;
import io.retryladder.worker.RetryWorker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Figures the workers report through their meter registries, summed or combined over workers.
 *
 * @param waitingByTier records waiting in the workers' timer stores, by tier topic
 * @param latenessP99MsByTier the highest of the workers' p99 lateness, in milliseconds, by tier topic.
 *     Lateness is attempt start minus due time. A tier with no attempt yet has no entry.
 * @param workers number of workers
 * @param callsInFlight calls the workers have in flight
 * @param pausedWorkers workers that hold their tier partitions paused
 * @param breakerStates for each target, the breaker state each worker reports, by worker id
 * @param attemptsByOutcome attempts made, by outcome (success, retryable_failure, non_retryable_failure)
 */
record WorkerStatus(
        Map<String, Long> waitingByTier,
        Map<String, Double> latenessP99MsByTier,
        int workers,
        int callsInFlight,
        int pausedWorkers,
        Map<String, Map<String, BreakerState>> breakerStates,
        Map<String, Long> attemptsByOutcome) {

    /** The state of a circuit breaker, from the retry.worker.breaker.state gauge. */
    enum BreakerState {
        CLOSED,
        HALF_OPEN,
        OPEN,
        OTHER;

        static BreakerState ofGauge(double value) {
            return switch ((int) value) {
                case 0 -> CLOSED;
                case 1 -> HALF_OPEN;
                case 2 -> OPEN;
                default -> OTHER;
            };
        }
    }

    /** Returns the records waiting in every tier. */
    long waitingTotal() {
        return waitingByTier.values().stream().mapToLong(Long::longValue).sum();
    }

    static WorkerStatus read(List<RetryWorker> workers, Ladder ladder) {
        Map<String, Long> waiting = new LinkedHashMap<>();
        Map<String, Double> lateness = new LinkedHashMap<>();
        for (Tier tier : ladder.tiers()) {
            waiting.put(tier.topic(), 0L);
        }
        int inFlight = 0;
        int paused = 0;
        Map<String, Map<String, BreakerState>> breakers = new TreeMap<>();
        Map<String, Long> attempts = new TreeMap<>();
        for (RetryWorker worker : workers) {
            MeterRegistry registry = worker.meterRegistry();
            for (Tier tier : ladder.tiers()) {
                waiting.merge(tier.topic(), waitingRecords(registry, tier), Long::sum);
                Double p99 = latenessP99Ms(registry, tier);
                if (p99 != null) {
                    lateness.merge(tier.topic(), p99, Math::max);
                }
            }
            inFlight += worker.callsInFlight();
            paused += worker.isPaused() ? 1 : 0;
            for (Gauge gauge : registry.find("retry.worker.breaker.state").gauges()) {
                breakers.computeIfAbsent(gauge.getId().getTag("target"), target -> new TreeMap<>())
                        .put(worker.workerId(), BreakerState.ofGauge(gauge.value()));
            }
            for (Counter counter : registry.find("retry.worker.attempts").counters()) {
                attempts.merge(outcomeOf(counter), (long) counter.count(), Long::sum);
            }
        }
        return new WorkerStatus(waiting, lateness, workers.size(), inFlight, paused, breakers, attempts);
    }

    private static String outcomeOf(Counter counter) {
        return counter.getId().getTag("outcome");
    }

    private static long waitingRecords(MeterRegistry registry, Tier tier) {
        Gauge gauge = registry.find("retry.worker.waiting.records")
                .tag("tier", tier.topic())
                .gauge();
        return gauge == null ? 0 : (long) gauge.value();
    }

    private static Double latenessP99Ms(MeterRegistry registry, Tier tier) {
        Timer timer =
                registry.find("retry.worker.lateness").tag("tier", tier.topic()).timer();
        if (timer == null || timer.count() == 0) {
            return null;
        }
        for (ValueAtPercentile percentile : timer.takeSnapshot().percentileValues()) {
            if (percentile.percentile() == 0.99) {
                return percentile.value(TimeUnit.MILLISECONDS);
            }
        }
        return null;
    }
}
