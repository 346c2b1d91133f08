package io.retryladder.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Effects at the downstream: for each idempotency key, the number of calls answered with a 2xx
 * status. A service that did not deduplicate by key would apply each of those calls, so a count
 * above one is a duplicated effect. Thread-safe.
 */
public final class EffectLedger {

    private final Map<String, AtomicInteger> effectsByKey = new ConcurrentHashMap<>();

    /** Records one 2xx answer for {@code idempotencyKey}. */
    void record(String idempotencyKey) {
        effectsByKey.computeIfAbsent(idempotencyKey, key -> new AtomicInteger()).incrementAndGet();
    }

    /** Returns the number of 2xx answers for {@code idempotencyKey}, 0 when there was none. */
    public int effects(String idempotencyKey) {
        AtomicInteger count = effectsByKey.get(idempotencyKey);
        return count == null ? 0 : count.get();
    }

    /** Returns the keys with more than one 2xx answer. */
    public List<String> keysWithDuplicateEffects() {
        List<String> keys = new ArrayList<>();
        effectsByKey.forEach((key, count) -> {
            if (count.get() > 1) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** Returns the number of keys with at least one 2xx answer. */
    public int keysWithEffects() {
        return effectsByKey.size();
    }
}
