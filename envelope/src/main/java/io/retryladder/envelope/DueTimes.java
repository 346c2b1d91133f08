package io.retryladder.envelope;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Computes when the next attempt of a failed operation is due: the failure time plus the tier's
 * jittered delay, pushed later by a Retry-After request, and never further out than the longest delay
 * the ladder can produce.
 */
public final class DueTimes {

    private final Ladder ladder;
    private final Jitter jitter;

    public DueTimes(Ladder ladder, Jitter jitter) {
        this.ladder = Objects.requireNonNull(ladder, "ladder");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
    }

    /** Returns the longest delay any record may wait: the jitter's maximum for the last tier. */
    public Duration maxDelay() {
        return jitter.maxDelay(ladder.maxDelay());
    }

    /**
     * Returns the due time of the next attempt from {@code tier}.
     *
     * @param failedAt when the previous attempt failed
     * @param previousDelay how long the record waited before that attempt, or zero
     * @param retryAfter the delay the downstream asked for, or null
     */
    public Instant next(Tier tier, Instant failedAt, Duration previousDelay, Duration retryAfter) {
        Duration delay = jitter.delay(tier.delay(), previousDelay);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        Duration max = maxDelay();
        if (delay.compareTo(max) > 0) {
            delay = max;
        }
        return failedAt.plus(delay);
    }

    public Ladder ladder() {
        return ladder;
    }

    public Jitter jitter() {
        return jitter;
    }
}
