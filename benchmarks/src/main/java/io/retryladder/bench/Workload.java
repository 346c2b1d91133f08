package io.retryladder.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The benchmark workload. Attempt 1 of every operation fails (HTTP 503) before the operation enters
 * either system. By key index, 50% succeed at attempt 2, 30% at attempt 3, 15% at attempt 4 and 5%
 * never, so they are dead-lettered after attempt 4 (the first call plus one attempt per tier).
 */
public final class Workload {

    /** The attempt number at which no attempt succeeds. */
    public static final int NEVER = Integer.MAX_VALUE;

    private static final String WARM_UP_PREFIX = "warm-up-";

    /** The last attempt: the first call plus one from each of the three tiers. */
    public static final int MAX_ATTEMPTS = 4;

    /** The attempt at which each of 20 consecutive key indexes succeeds: 10, 6, 3 and 1 of 20. */
    private static final int[] SUCCESS_ATTEMPT_BY_SLOT = successAttempts();

    private Workload() {}

    /** Returns the attempt number at which the operation with this key index succeeds, or {@link #NEVER}. */
    public static int successAttempt(long index) {
        return SUCCESS_ATTEMPT_BY_SLOT[(int) (index % SUCCESS_ATTEMPT_BY_SLOT.length)];
    }

    /** Returns whether the operation with this key index ends in the dead-letter topic. */
    public static boolean deadLettered(long index) {
        return successAttempt(index) == NEVER;
    }

    /**
     * Returns the downstream calls per published operation, that is the retries (attempts after the
     * first): 0.5 x 1 + 0.3 x 2 + 0.15 x 3 + 0.05 x 3 = 1.7.
     */
    public static double retriesPerOperation() {
        double calls = 0;
        for (int attempt : SUCCESS_ATTEMPT_BY_SLOT) {
            calls += (attempt == NEVER ? MAX_ATTEMPTS : attempt) - 1;
        }
        return calls / SUCCESS_ATTEMPT_BY_SLOT.length;
    }

    /** Returns the share of operations that end in the dead-letter topic: 0.05. */
    public static double deadLetterShare() {
        return Arrays.stream(SUCCESS_ATTEMPT_BY_SLOT).filter(a -> a == NEVER).count()
                / (double) SUCCESS_ATTEMPT_BY_SLOT.length;
    }

    /** Returns the idempotency key of operation {@code index} of a trial. */
    public static String key(String trialId, long index) {
        return trialId + "-" + index;
    }

    /** Returns the idempotency key of warm-up operation {@code index} of a trial. */
    public static String warmUpKey(String trialId, long index) {
        return WARM_UP_PREFIX + trialId + "-" + index;
    }

    /** Returns whether a key belongs to a warm-up operation. */
    public static boolean isWarmUp(String key) {
        return key != null && key.startsWith(WARM_UP_PREFIX);
    }

    /**
     * Returns the attempt number at which the warm-up operation with this key succeeds, or {@link #NEVER}.
     * Warm-up operations follow the measured mix by their index, so they run every tier and the
     * dead-letter path.
     */
    public static int warmUpSuccessAttempt(String key) {
        return successAttempt(Long.parseLong(key.substring(key.lastIndexOf('-') + 1)));
    }

    /** Returns the retries, the calls after the first, that the operations with key indexes 0 to {@code operations - 1} make. */
    public static long retriesOf(long operations) {
        long calls = 0;
        for (long index = 0; index < operations; index++) {
            calls += Math.min(successAttempt(index), MAX_ATTEMPTS) - 1;
        }
        return calls;
    }

    /** Returns the key index of a key of this trial, or -1 when the key belongs to another trial. */
    public static long indexOf(String trialId, String key) {
        if (key == null || key.length() <= trialId.length() + 1 || !key.startsWith(trialId)) {
            return -1;
        }
        if (key.charAt(trialId.length()) != '-') {
            return -1;
        }
        try {
            return Long.parseLong(key.substring(trialId.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Returns the request body of an operation: JSON padded to {@code size} bytes. */
    public static byte[] payload(String key, int size) {
        String head = "{\"order\":\"" + key + "\",\"amountCents\":4200,\"pad\":\"";
        String tail = "\"}";
        int padding = Math.max(0, size - head.length() - tail.length());
        return (head + "x".repeat(padding) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    private static int[] successAttempts() {
        int[] slots = new int[20];
        Arrays.fill(slots, 0, 10, 2);
        Arrays.fill(slots, 10, 16, 3);
        Arrays.fill(slots, 16, 19, 4);
        slots[19] = NEVER;
        return slots;
    }
}
