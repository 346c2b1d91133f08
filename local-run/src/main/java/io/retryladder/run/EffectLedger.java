package io.retryladder.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Effects at the downstream: for each idempotency key, the calls that got a 2xx response. A
 * service that did not deduplicate by key would apply each of those calls, so more than one is a
 * duplicated effect. Thread-safe.
 */
public final class EffectLedger {

    /** For each key, the attempt number of each 2xx response, in the order they were sent. */
    private final Map<String, List<Integer>> attemptsByKey = new ConcurrentHashMap<>();

    /**
     * Records one 2xx response for {@code idempotencyKey}.
     *
     * @param attempt the call's Retry-Attempt header (1 for the first call), or 0 when it had none
     */
    void record(String idempotencyKey, int attempt) {
        attemptsByKey.merge(idempotencyKey, List.of(attempt), (earlier, added) -> {
            List<Integer> all = new ArrayList<>(earlier);
            all.addAll(added);
            return List.copyOf(all);
        });
    }

    /** Returns the number of 2xx responses for {@code idempotencyKey}, 0 when there was none. */
    public int effects(String idempotencyKey) {
        return attemptsWithEffect(idempotencyKey).size();
    }

    /** Returns the attempt numbers of the 2xx responses for {@code idempotencyKey}, in the order they were sent. */
    public List<Integer> attemptsWithEffect(String idempotencyKey) {
        return attemptsByKey.getOrDefault(idempotencyKey, List.of());
    }

    /** Returns the keys with more than one 2xx response. */
    public List<String> keysWithDuplicateEffects() {
        List<String> keys = new ArrayList<>();
        attemptsByKey.forEach((key, attempts) -> {
            if (attempts.size() > 1) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** Returns the number of keys with at least one 2xx response. */
    public int keysWithEffects() {
        return attemptsByKey.size();
    }
}
