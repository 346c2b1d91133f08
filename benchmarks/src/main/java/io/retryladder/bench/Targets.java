package io.retryladder.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Checks a run's figures against the targets the product is held to. */
public final class Targets {

    static final String PRODUCT = "product";
    static final double MIN_RATIO_TO_DEFAULT_PEER = 10;
    static final double MIN_RATIO_TO_TUNED_PEER = 5;
    static final double MAX_BURST_SECONDS = 40;
    static final int TARGET_BURST_SIZE = 50_000;
    static final long MAX_P99_MS = 50;
    static final double MAX_WORKER_RSS_MB = 512;
    static final double MIN_SHARE_OF_CEILING = 0.5;

    private Targets() {}

    public static List<TargetCheck> check(
            List<CapacityResult> capacity, List<TrialResult> burst, CeilingResult ceiling) {
        List<TargetCheck> checks = new ArrayList<>();
        checks.add(ratio(capacity, "spring-default", MIN_RATIO_TO_DEFAULT_PEER));
        checks.add(ratio(capacity, "spring-tuned", MIN_RATIO_TO_TUNED_PEER));
        checks.add(burstTime(burst));
        checks.add(lateness(capacity, burst));
        checks.add(duplicates(capacity, burst));
        checks.add(rss(capacity, burst));
        checks.add(ceilingShare(capacity, ceiling));
        return checks;
    }

    private static TargetCheck ratio(List<CapacityResult> capacity, String peer, double minRatio) {
        String target = String.format("L = 20 ms: product capacity >= %.0fx %s", minRatio, peer);
        Optional<CapacityResult> product = find(capacity, PRODUCT, 20);
        Optional<CapacityResult> other = find(capacity, peer, 20);
        if (product.isEmpty() || other.isEmpty()) {
            return new TargetCheck(target, "not measured", "needs both systems at L = 20 ms");
        }
        double ours = product.get().highestHeldRate();
        double theirs = other.get().highestHeldRate();
        if (theirs <= 0) {
            // A peer that held no step has a capacity below the lowest rate it was tried at.
            double lowestTried = other.get().steps().stream()
                    .mapToDouble(TrialResult::targetRatePerSecond)
                    .min()
                    .orElse(0);
            if (lowestTried <= 0) {
                return new TargetCheck(target, "not measured", peer + " ran no capacity step");
            }
            double lowerBound = ours / lowestTried;
            String detail = String.format(
                    "product %.0f ops/s; %s held no step down to %.0f ops/s, so the ratio is above %.1fx",
                    ours, peer, lowestTried, lowerBound);
            return new TargetCheck(target, lowerBound >= minRatio ? "met" : "not measured", detail);
        }
        double ratio = ours / theirs;
        String detail = String.format("product %.0f ops/s, %s %.0f ops/s: %.1fx", ours, peer, theirs, ratio);
        if (ratio < minRatio) {
            detail += String.format(" (short by %.1fx, or %.0f ops/s)", minRatio - ratio, minRatio * theirs - ours);
        }
        return new TargetCheck(target, ratio >= minRatio ? "met" : "missed", detail);
    }

    private static TargetCheck burstTime(List<TrialResult> burst) {
        String target = String.format("burst drained in <= %.0f s", MAX_BURST_SECONDS);
        List<TrialResult> product = ofProduct(burst.stream());
        if (product.isEmpty()) {
            return new TargetCheck(target, "not measured", "no product burst");
        }
        List<String> details = new ArrayList<>();
        boolean met = true;
        for (TrialResult trial : product) {
            boolean ok = trial.drainSeconds() >= 0 && trial.drainSeconds() <= MAX_BURST_SECONDS;
            met &= ok;
            String figure = trial.drainSeconds() < 0 ? "not drained" : String.format("%.1f s", trial.drainSeconds());
            details.add(String.format("L = %d ms: %s of %d", trial.latencyMs(), figure, trial.operations())
                    + (ok || trial.drainSeconds() < 0
                            ? ""
                            : String.format(" (%.1f s over)", trial.drainSeconds() - MAX_BURST_SECONDS)));
        }
        if (product.stream().anyMatch(trial -> trial.operations() < TARGET_BURST_SIZE)) {
            details.add("the target is for a burst of " + TARGET_BURST_SIZE);
        }
        return new TargetCheck(target, met ? "met" : "missed", String.join("; ", details));
    }

    private static TargetCheck lateness(List<CapacityResult> capacity, List<TrialResult> burst) {
        String target = "p99 lateness <= " + MAX_P99_MS + " ms at every tier (capacity at the held rate, burst)";
        List<TrialResult> trials = new ArrayList<>(ofProduct(burst.stream()));
        capacity.stream()
                .filter(result -> result.system().equals(PRODUCT))
                .map(CapacityResult::atCapacity)
                .filter(trial -> trial != null)
                .forEach(trials::add);
        if (trials.isEmpty()) {
            return new TargetCheck(target, "not measured", "no product trial with figures");
        }
        List<String> details = new ArrayList<>();
        boolean met = true;
        for (TrialResult trial : trials) {
            long p99 = trial.maxP99Ms();
            met &= p99 <= MAX_P99_MS;
            details.add(String.format("%s L = %d ms: worst tier p99 %d ms", trial.measurement(), trial.latencyMs(), p99)
                    + (p99 > MAX_P99_MS ? " (" + (p99 - MAX_P99_MS) + " ms over)" : ""));
        }
        return new TargetCheck(target, met ? "met" : "missed", String.join("; ", details));
    }

    private static TargetCheck duplicates(List<CapacityResult> capacity, List<TrialResult> burst) {
        String target = "no duplicate calls (same key and attempt twice) without crashes";
        List<TrialResult> trials = productTrials(capacity, burst);
        if (trials.isEmpty()) {
            return new TargetCheck(target, "not measured", "no product trial");
        }
        long duplicates = trials.stream().mapToLong(TrialResult::duplicates).sum();
        long calls = trials.stream().mapToLong(TrialResult::calls).sum();
        return new TargetCheck(
                target,
                duplicates == 0 ? "met" : "missed",
                duplicates + " duplicates in " + calls + " calls over " + trials.size() + " trials");
    }

    private static TargetCheck rss(List<CapacityResult> capacity, List<TrialResult> burst) {
        String target = String.format("worker peak RSS <= %.0f MB", MAX_WORKER_RSS_MB);
        List<TrialResult> trials = productTrials(capacity, burst);
        double peak = trials.stream().mapToDouble(TrialResult::peakRssMb).max().orElse(-1);
        if (peak < 0) {
            return new TargetCheck(target, "not measured", "no product trial");
        }
        String detail = String.format("highest VmHWM %.0f MB over %d trials", peak, trials.size());
        if (peak > MAX_WORKER_RSS_MB) {
            detail += String.format(" (%.0f MB over)", peak - MAX_WORKER_RSS_MB);
        }
        return new TargetCheck(target, peak <= MAX_WORKER_RSS_MB ? "met" : "missed", detail);
    }

    private static TargetCheck ceilingShare(List<CapacityResult> capacity, CeilingResult ceiling) {
        String target =
                String.format("L = 1 ms: product capacity >= %.0f%% of the ceiling", MIN_SHARE_OF_CEILING * 100);
        Optional<CapacityResult> product = find(capacity, PRODUCT, 1);
        if (product.isEmpty() || ceiling == null || ceiling.recordsPerSecond() <= 0) {
            return new TargetCheck(target, "not measured", "needs the product at L = 1 ms and the ceiling run");
        }
        double share = product.get().highestHeldRate() / ceiling.recordsPerSecond();
        String detail = String.format(
                "product %.0f ops/s, ceiling %.0f records/s: %.1f%%",
                product.get().highestHeldRate(), ceiling.recordsPerSecond(), share * 100);
        if (share < MIN_SHARE_OF_CEILING) {
            detail += String.format(" (short by %.1f points)", (MIN_SHARE_OF_CEILING - share) * 100);
        }
        return new TargetCheck(target, share >= MIN_SHARE_OF_CEILING ? "met" : "missed", detail);
    }

    private static Optional<CapacityResult> find(List<CapacityResult> capacity, String system, long latencyMs) {
        return capacity.stream()
                .filter(result -> result.system().equals(system) && result.latencyMs() == latencyMs)
                .findFirst();
    }

    private static List<TrialResult> productTrials(List<CapacityResult> capacity, List<TrialResult> burst) {
        Stream<TrialResult> steps = capacity.stream()
                .filter(result -> result.system().equals(PRODUCT))
                .flatMap(result -> result.steps().stream());
        return ofProduct(Stream.concat(steps, burst.stream())).stream()
                .filter(trial -> trial.published() > 0)
                .toList();
    }

    private static List<TrialResult> ofProduct(Stream<TrialResult> trials) {
        return trials.filter(trial -> trial.system().equals(PRODUCT)).toList();
    }
}
