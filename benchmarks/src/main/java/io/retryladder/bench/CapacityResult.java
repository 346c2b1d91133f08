package io.retryladder.bench;

import java.util.List;

/**
 * The capacity of one system at one downstream latency: the highest steady publication rate it held.
 *
 * @param highestHeldRate operations per second, 0 when no step held
 * @param impliedCallsPerSecond downstream calls per second at that rate: the rate times the retries per operation
 * @param steps every step in the order run
 */
public record CapacityResult(
        String system, long latencyMs, double highestHeldRate, double impliedCallsPerSecond, List<TrialResult> steps) {

    /** Returns the step at the highest held rate, or null when none held. */
    public TrialResult atCapacity() {
        return steps.stream()
                .filter(TrialResult::held)
                .max(java.util.Comparator.comparingDouble(TrialResult::targetRatePerSecond))
                .orElse(null);
    }
}
