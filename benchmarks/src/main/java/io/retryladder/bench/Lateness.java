package io.retryladder.bench;

import org.HdrHistogram.Histogram;

/**
 * Lateness of the attempts from one tier: arrival at the downstream minus the due time the record
 * carried, in milliseconds. Early arrivals count as 0 and are counted apart in {@code early}.
 */
public record Lateness(long count, long early, long p50Ms, long p90Ms, long p99Ms, long maxMs) {

    public static Lateness of(Histogram histogram, long early) {
        if (histogram.getTotalCount() == 0) {
            return new Lateness(0, early, 0, 0, 0, 0);
        }
        return new Lateness(
                histogram.getTotalCount(),
                early,
                histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99),
                histogram.getMaxValue());
    }
}
