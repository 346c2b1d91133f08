package io.retryladder.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The scripted responses of the sample downstream. Each call is decided in this order:
 *
 * <ol>
 *   <li>during the outage window, every call gets a 503 response;
 *   <li>otherwise a share of calls, drawn at random per call, fails with the failure status;
 *   <li>otherwise calls whose idempotency key falls in the non-retryable share get a 422 response, on
 *       every attempt, because the share is decided by a hash of the key;
 *   <li>every other call gets a 200 response.
 * </ol>
 *
 * <p>Every response is sent after the same latency. Immutable and thread-safe when the random source
 * is.
 *
 * @param failureRate share of calls, between 0 and 1, that get a {@code failureStatus} response
 * @param failureStatus status of a random failure, 400 to 599
 * @param latency delay of every response
 * @param outageStart start of the outage window, measured from the start of the run
 * @param outageDuration length of the outage window; zero means no outage
 * @param nonRetryableRate share of idempotency keys, between 0 and 1, that get a 422 response
 */
public record DownstreamScript(
        double failureRate,
        int failureStatus,
        Duration latency,
        Duration outageStart,
        Duration outageDuration,
        double nonRetryableRate) {

    /** Status of every response during the outage window. */
    public static final int OUTAGE_STATUS = 503;
    /** Status of every response to a key in the non-retryable share, unless an outage or failure comes first. */
    public static final int NON_RETRYABLE_STATUS = 422;

    public DownstreamScript {
        requireShare("failureRate", failureRate);
        requireShare("nonRetryableRate", nonRetryableRate);
        if (failureStatus < 400 || failureStatus > 599) {
            throw new IllegalArgumentException(
                    "failureStatus must be an error status from 400 to 599, got " + failureStatus);
        }
        requireNotNegative("latency", latency);
        requireNotNegative("outageStart", outageStart);
        requireNotNegative("outageDuration", outageDuration);
    }

    /** Returns a script that responds 200 to every call at once. */
    public static DownstreamScript alwaysSucceeds() {
        return new DownstreamScript(0, 500, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
    }

    /**
     * Decides the response to one call.
     *
     * @param idempotencyKey the call's Idempotency-Key header, or null when it has none
     * @param sinceStart time from the start of the run to the arrival of the call; negative before
     *     the run starts, which is outside any outage
     * @param random source of the per-call draw against the failure rate, uniform in [0, 1)
     */
    public Decision decide(String idempotencyKey, Duration sinceStart, DoubleSupplier random) {
        if (inOutage(sinceStart)) {
            return new Decision(OUTAGE_STATUS, latency, Cause.OUTAGE);
        }
        if (failureRate > 0 && random.getAsDouble() < failureRate) {
            return new Decision(failureStatus, latency, Cause.FAILURE_RATE);
        }
        if (isNonRetryable(idempotencyKey)) {
            return new Decision(NON_RETRYABLE_STATUS, latency, Cause.NON_RETRYABLE_KEY);
        }
        return new Decision(200, latency, Cause.SUCCESS);
    }

    /** Returns whether {@code sinceStart} falls in the outage window [start, start + duration). */
    public boolean inOutage(Duration sinceStart) {
        if (outageDuration.isZero() || sinceStart.isNegative()) {
            return false;
        }
        return sinceStart.compareTo(outageStart) >= 0 && sinceStart.compareTo(outageStart.plus(outageDuration)) < 0;
    }

    /** Returns whether calls for {@code idempotencyKey} get a 422 response when no outage or failure comes first. */
    public boolean isNonRetryable(String idempotencyKey) {
        return idempotencyKey != null && nonRetryableRate > 0 && keyFraction(idempotencyKey) < nonRetryableRate;
    }

    /**
     * Maps a key to a number in [0, 1) that is the same in every JVM: the SplitMix64 finalizer
     * applied to a 64-bit FNV-1a hash of the key's UTF-8 bytes.
     */
    static double keyFraction(String key) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        hash ^= hash >>> 31;
        return (hash >>> 11) * 0x1.0p-53;
    }

    private static void requireShare(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
        }
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, got " + value);
        }
    }

    /** Reason the script chose a response. */
    public enum Cause {
        SUCCESS,
        OUTAGE,
        FAILURE_RATE,
        NON_RETRYABLE_KEY
    }

    /**
     * The response decided for one call.
     *
     * @param delay how long to wait before sending it
     */
    public record Decision(int status, Duration delay, Cause cause) {}
}
