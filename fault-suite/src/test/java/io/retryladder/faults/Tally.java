package io.retryladder.faults;

import io.retryladder.faults.CallLedger.Exchange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accounting of one scenario, by idempotency key. A key ends exactly once when it has either a
 * timely effect at the downstream or one dead letter, and not both. A second timely effect of a key
 * is allowed only when a worker was killed between the call that caused the first one and the repeat.
 * Then the killed worker had not committed the outcome, so its successor made the call again.
 *
 * @param lost keys with neither an effect nor a dead letter
 * @param duplicated keys that ended more than once, each with how
 * @param repeatsAfterKills timely effects repeated across a worker kill
 * @param lateEffects keys that got a 2xx response only after the worker had timed out the call, which
 *     the worker therefore repeated with the same idempotency key
 */
record Tally(
        int operations,
        int succeeded,
        int deadLettered,
        List<String> lost,
        Map<String, String> duplicated,
        int repeatsAfterKills,
        int lateEffects) {

    static Tally of(Collection<String> keys, CallLedger ledger, DeadLetters deadLetters, List<Long> killTimesMs) {
        int succeeded = 0;
        int deadLettered = 0;
        int repeatsAfterKills = 0;
        int lateEffects = 0;
        List<String> lost = new ArrayList<>();
        Map<String, String> duplicated = new LinkedHashMap<>();
        for (String key : keys) {
            List<Exchange> exchanges = ledger.exchanges(key);
            List<Exchange> effects = exchanges.stream()
                    .filter(exchange -> exchange.effect() && !exchange.late())
                    .toList();
            if (exchanges.stream().anyMatch(exchange -> exchange.effect() && exchange.late())) {
                lateEffects++;
            }
            int deadLetterCount = deadLetters.count(key);
            succeeded += effects.isEmpty() ? 0 : 1;
            deadLettered += deadLetterCount > 0 ? 1 : 0;
            if (effects.isEmpty() && deadLetterCount == 0) {
                lost.add(key);
            }
            if (deadLetterCount > 1) {
                duplicated.put(key, deadLetterCount + " dead letters");
            } else if (deadLetterCount == 1 && !effects.isEmpty()) {
                duplicated.put(key, "succeeded at attempt " + effects.get(0).attempt() + " and dead-lettered");
            }
            for (int i = 1; i < effects.size(); i++) {
                if (killedBetween(
                        killTimesMs,
                        effects.get(i - 1).arrivedAtMs(),
                        effects.get(i).arrivedAtMs())) {
                    repeatsAfterKills++;
                } else {
                    duplicated.putIfAbsent(
                            key,
                            "effect of attempt " + effects.get(i).attempt() + " repeated "
                                    + (effects.get(i).arrivedAtMs()
                                            - effects.get(i - 1).arrivedAtMs())
                                    + " ms after attempt " + effects.get(i - 1).attempt() + " without a kill between");
                }
            }
        }
        return new Tally(keys.size(), succeeded, deadLettered, lost, duplicated, repeatsAfterKills, lateEffects);
    }

    private static boolean killedBetween(List<Long> killTimesMs, long fromMs, long toMs) {
        return killTimesMs.stream().anyMatch(kill -> kill >= fromMs && kill <= toMs);
    }

    /** Returns up to {@code count} examples of lost and duplicated keys, for failure messages. */
    String examples(int count) {
        StringBuilder text = new StringBuilder();
        lost.stream().limit(count).forEach(key -> text.append("\n  lost: ").append(key));
        duplicated.entrySet().stream()
                .limit(count)
                .forEach(entry -> text.append("\n  duplicated: ")
                        .append(entry.getKey())
                        .append(" (")
                        .append(entry.getValue())
                        .append(')'));
        return text.toString();
    }
}
