package io.retryladder.bench;

import java.util.List;

/**
 * The figures of one trial.
 *
 * @param targetRatePerSecond the steady publication rate asked for; 0 for a burst
 * @param published operations handed to the system; fewer than {@code operations} when publishing timed out
 * @param publishSeconds from the first publication to the last acknowledgement
 * @param drainSeconds from the first publication until every published key was terminal, or -1 when
 *     that did not happen within the bound
 * @param lateness per tier (1 s, 4 s, 16 s), against the due time in the call's Retry-Due-At-Ms header
 * @param firstTierVsEnvelope the product's attempt 2 against the due time its publisher wrote, or null
 * @param publishAcknowledged how long each publication waited for the broker's acknowledgement, in ms
 * @param entryLagAtEnd records of the entry topic not yet committed by the system when publishing ended
 * @param cpuSeconds CPU time of the system's process from ready until every key was terminal
 * @param peakRssMb the process's peak resident set (VmHWM) over the whole trial, start-up included
 * @param held whether the system kept up with the load, see {@link #verdict}
 * @param verdict why the trial did not hold, or "held"
 */
public record TrialResult(
        String system,
        long latencyMs,
        String measurement,
        double targetRatePerSecond,
        int operations,
        int published,
        long publishFailures,
        double publishSeconds,
        double achievedRatePerSecond,
        double drainSeconds,
        int terminal,
        int succeeded,
        int deadLetters,
        long calls,
        long duplicates,
        long strayCalls,
        List<Lateness> lateness,
        Lateness firstTierVsEnvelope,
        Lateness publishAcknowledged,
        long maxEntryLag,
        long entryLagAtEnd,
        double cpuSeconds,
        double cpuMsPerOperation,
        double peakRssMb,
        boolean held,
        String verdict) {

    /** Returns the highest p99 lateness over the tiers, in milliseconds. */
    public long maxP99Ms() {
        return lateness.stream().mapToLong(Lateness::p99Ms).max().orElse(0);
    }

    /** Returns the result of a trial that failed before it produced figures. */
    public static TrialResult failed(String system, long latencyMs, Load load, String reason) {
        return new TrialResult(
                system,
                latencyMs,
                load.measurement(),
                load.ratePerSecond(),
                load.operations(),
                0,
                0,
                0,
                0,
                -1,
                0,
                0,
                0,
                0,
                0,
                0,
                List.of(),
                null,
                null,
                0,
                0,
                -1,
                -1,
                -1,
                false,
                "failed: " + reason);
    }
}
