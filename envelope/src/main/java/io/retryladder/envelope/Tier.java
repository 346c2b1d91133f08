package io.retryladder.envelope;

import java.time.Duration;

/**
 * One rung of the retry ladder: a delay topic whose records wait {@code delay} (with jitter) before
 * their next attempt.
 *
 * @param index position in the ladder, 0 for the first tier
 * @param topic name of the tier topic
 * @param delay nominal delay before an attempt from this tier, before jitter
 */
public record Tier(int index, String topic, Duration delay) {}
