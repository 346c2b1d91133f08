package io.retryladder.faults;

import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The downstream's responses when no fault is injected, and the keys and operation count of a scenario. */
final class Scripts {

    private Scripts() {}

    /**
     * Returns the attempt at which {@code key} first succeeds: by key, 50% at attempt 2, 30% at 3, 15%
     * at 4 and 5% never, so those end in the dead-letter topic. Attempt 1 is the publisher's own call,
     * which always failed.
     */
    static int succeedsAt(String key) {
        int bucket = Math.floorMod(key.hashCode(), 100);
        if (bucket < 50) {
            return 2;
        }
        if (bucket < 80) {
            return 3;
        }
        return bucket < 95 ? 4 : 0;
    }

    /** Returns 200 from the key's succeeding attempt on and 500 before it, after 10 ms. */
    static Response byKey(Call call) {
        int succeedsAt = succeedsAt(call.idempotencyKey());
        boolean success = succeedsAt != 0 && call.attempt() >= succeedsAt;
        return (success ? Response.ok() : Response.status(500)).after(Duration.ofMillis(10));
    }

    /** Returns {@code count} keys named {@code scenario-0}, {@code scenario-1}, ... */
    static List<String> keys(String scenario, int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(scenario + "-" + i);
        }
        return keys;
    }

    /** Returns the number of operations each scenario drives, from {@code -Dfaults.operations}. */
    static int operations() {
        String value = System.getProperty("faults.operations", "2000");
        try {
            int operations = Integer.parseInt(value.strip());
            if (operations < 100) {
                throw new IllegalArgumentException("faults.operations must be at least 100, got " + operations);
            }
            return operations;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "faults.operations must be a whole number, got '%s'", value), e);
        }
    }
}
