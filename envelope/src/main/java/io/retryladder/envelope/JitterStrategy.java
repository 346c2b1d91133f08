package io.retryladder.envelope;

/**
 * How a tier's nominal delay {@code d} becomes the delay of one record.
 *
 * <p>{@link #EQUAL} is the default: it keeps at least half of the tier delay, so a sick service
 * always gets a real pause, while spreading a burst that failed at the same moment over a window of
 * {@code d/2}. {@link #FULL} spreads best but may retry almost at once; {@link #DECORRELATED} never
 * goes below {@code d} and grows with the previous delay, up to {@code 3d}.
 */
public enum JitterStrategy {
    /** Exactly {@code d}. */
    NONE,
    /** Uniform in {@code [0, d]}. */
    FULL,
    /** Uniform in {@code [d/2, d]}. */
    EQUAL,
    /** Uniform in {@code [d, min(3d, 3 * previous delay)]}, and {@code d} when there is no previous delay. */
    DECORRELATED
}
