package io.retryladder.run;

import io.retryladder.run.LoadGenerator.LoadProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Computes the accounting of a run from what the load generator saw, what the downstream responded
 * and what the dead-letter topic holds. Every count is of idempotency keys, so a key counted twice by
 * one source still counts once.
 */
final class Accounting {

    /** Keys listed in the report when a check fails. */
    static final int SAMPLE_SIZE = 5;

    /** Description that {@link io.retryladder.producer.Failure#describe} gives a call that timed out. */
    static final String FIRST_CALL_TIMEOUT = "TIMEOUT failure";

    private Accounting() {}

    /**
     * The inputs of the accounting.
     *
     * @param published keys whose first call failed retryably and that Kafka acknowledged in the first
     *     tier, each with how its first call failed
     * @param deadLetterReasons for each key of the run in the dead-letter topic, the reason of its first dead letter
     * @param deadLetterRecords dead-letter records of the run, above the key count when a key was dead-lettered twice
     * @param waitingAtWorkers records still in the workers' timer stores
     */
    record Inputs(
            String runId,
            LoadProgress load,
            Map<String, String> published,
            Map<String, String> failedKeys,
            EffectLedger effects,
            Map<String, String> deadLetterReasons,
            long deadLetterRecords,
            long waitingAtWorkers,
            Map<String, Double> latenessP99MsByTier,
            String firstTier,
            String deadLetterTopic,
            boolean timedOut,
            Duration elapsed) {}

    static AccountingReport compute(Inputs inputs) {
        long succeeded = 0;
        long deadLettered = 0;
        List<String> pending = new ArrayList<>();
        List<String> succeededAndDeadLettered = new ArrayList<>();
        Map<String, Long> deadLetteredByReason = new TreeMap<>();
        for (String key : inputs.published().keySet()) {
            boolean hasEffect = inputs.effects().effects(key) > 0;
            String reason = inputs.deadLetterReasons().get(key);
            if (hasEffect) {
                succeeded++;
            }
            if (reason != null) {
                deadLettered++;
                deadLetteredByReason.merge(reason, 1L, Long::sum);
            }
            if (hasEffect && reason != null) {
                succeededAndDeadLettered.add(key);
            }
            if (!hasEffect && reason == null) {
                pending.add(key);
            }
        }

        List<String> neverPublished = new ArrayList<>();
        for (String key : inputs.deadLetterReasons().keySet()) {
            if (!inputs.published().containsKey(key)) {
                neverPublished.add(key);
            }
        }

        List<String> duplicated = inputs.effects().keysWithDuplicateEffects();
        long duplicatedAfterTimeout = duplicated.stream()
                .filter(key -> firstCallTimedOut(key, inputs))
                .count();
        List<String> duplicatedDetails = sample(duplicated).stream()
                .map(key -> describeEffects(key, inputs))
                .toList();

        LoadProgress load = inputs.load();
        return new AccountingReport(
                inputs.runId(),
                load.operations(),
                load.started(),
                load.succeededAtFirstCall(),
                load.notRetryable(),
                inputs.published().size(),
                inputs.failedKeys().size(),
                load.inFlight(),
                succeeded,
                deadLettered,
                deadLetteredByReason,
                pending.size(),
                sample(pending),
                succeededAndDeadLettered.size(),
                sample(succeededAndDeadLettered),
                neverPublished.size(),
                sample(neverPublished),
                duplicated.size(),
                duplicatedDetails,
                duplicatedAfterTimeout,
                sample(inputs.failedKeys().keySet()),
                inputs.deadLetterRecords(),
                inputs.waitingAtWorkers(),
                load.maxFirstCallMs(),
                load.slowFirstCalls(),
                inputs.latenessP99MsByTier(),
                inputs.firstTier(),
                inputs.deadLetterTopic(),
                inputs.timedOut(),
                inputs.elapsed());
    }

    /** Describes the 2xx responses of a key, such as "k (2xx responses to attempts 1, 2; first call: TIMEOUT failure)". */
    private static String describeEffects(String key, Inputs inputs) {
        String attempts = inputs.effects().attemptsWithEffect(key).stream()
                .map(attempt -> attempt == 0 ? "?" : Integer.toString(attempt))
                .collect(Collectors.joining(", "));
        String firstCall = inputs.published().get(key);
        return key + " (2xx responses to attempts " + attempts
                + (firstCall == null ? "" : "; first call failed: " + firstCall) + ")";
    }

    /** Returns whether the first call of {@code key} timed out at the caller but got a 2xx response at the downstream. */
    private static boolean firstCallTimedOut(String key, Inputs inputs) {
        return FIRST_CALL_TIMEOUT.equals(inputs.published().get(key))
                && inputs.effects().attemptsWithEffect(key).contains(1);
    }

    private static List<String> sample(Collection<String> keys) {
        return keys.stream().sorted().limit(SAMPLE_SIZE).toList();
    }
}
