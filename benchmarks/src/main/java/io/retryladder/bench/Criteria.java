package io.retryladder.bench;

import java.time.Duration;

/**
 * When a trial counts as held.
 *
 * @param maxP99Ms the highest p99 lateness allowed at any tier, in milliseconds
 * @param lagToleranceSeconds the entry-topic lag allowed when publishing ends, in seconds of publications
 * @param minRateShare the share of the target rate the harness must reach for the step to count
 * @param drainMargin how long past the ladder's delays (21 s) the harness waits for every key to be terminal
 */
public record Criteria(long maxP99Ms, double lagToleranceSeconds, double minRateShare, Duration drainMargin) {}
