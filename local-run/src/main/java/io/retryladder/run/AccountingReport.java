package io.retryladder.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The accounting of one run; {@link #holds} decides the exit code and {@link #render} prints it
 * with the definition of each term.
 *
 * @param called operations whose first call was made
 * @param succeededAtFirstCall first calls with a response below 400; nothing was published
 * @param notRetryable first calls that failed in a way not worth retrying; nothing was published
 * @param published keys whose first call failed retryably and that Kafka acknowledged in the first tier
 * @param failedToPublish keys neither completed nor acknowledged by Kafka
 * @param firstCallsInFlight first calls whose outcome was not known when the report was made
 * @param succeeded published keys with at least one 2xx response at the downstream
 * @param deadLettered published keys in the dead-letter topic, read with read_committed
 * @param pending published keys neither succeeded nor dead-lettered
 * @param succeededAndDeadLettered published keys both succeeded and dead-lettered
 * @param deadLettersNeverPublished keys of the run in the dead-letter topic that were never published
 * @param duplicatedEffects keys of the run with more than one 2xx response at the downstream
 * @param duplicatedEffectsSample up to five of those keys, each with the attempts that got a 2xx response
 * @param duplicatedAfterFirstCallTimeout duplicated keys whose first call got a 2xx response at the
 *     downstream after the caller had timed out, so the caller published it and a worker called again
 * @param deadLetterRecords dead-letter records of the run; more than {@code deadLettered} when a key repeats
 * @param waitingAtWorkers records still in the workers' timer stores
 * @param maxFirstCallMs longest first call, publication included, in milliseconds
 * @param slowFirstCalls first calls that took longer than {@value LoadGenerator#SLOW_FIRST_CALL_MS} ms
 */
record AccountingReport(
        String runId,
        int operations,
        long called,
        long succeededAtFirstCall,
        long notRetryable,
        long published,
        long failedToPublish,
        long firstCallsInFlight,
        long succeeded,
        long deadLettered,
        Map<String, Long> deadLetteredByReason,
        long pending,
        List<String> pendingSample,
        long succeededAndDeadLettered,
        List<String> succeededAndDeadLetteredSample,
        long deadLettersNeverPublished,
        List<String> deadLettersNeverPublishedSample,
        long duplicatedEffects,
        List<String> duplicatedEffectsSample,
        long duplicatedAfterFirstCallTimeout,
        List<String> failedToPublishSample,
        long deadLetterRecords,
        long waitingAtWorkers,
        long maxFirstCallMs,
        long slowFirstCalls,
        Map<String, Double> latenessP99MsByTier,
        String firstTier,
        String deadLetterTopic,
        boolean timedOut,
        Duration elapsed) {

    /** One condition the accounting must meet. */
    record Check(String name, boolean passed, String detail) {}

    /** Returns whether every check passes: each operation is accounted for, once, with no duplicated effect. */
    boolean holds() {
        return checks().stream().allMatch(Check::passed);
    }

    List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check(
                "published = succeeded + dead-lettered + pending",
                published == succeeded + deadLettered + pending,
                published + " = " + succeeded + " + " + deadLettered + " + " + pending));
        checks.add(new Check("pending at the end", pending == 0 && !timedOut, withSample(pending, pendingSample)));
        checks.add(new Check(
                "every operation called, and its first call finished",
                called == operations && firstCallsInFlight == 0,
                called + " of " + operations + " called, " + firstCallsInFlight + " first calls unfinished"));
        checks.add(new Check(
                "operations neither completed nor published",
                failedToPublish == 0,
                withSample(failedToPublish, failedToPublishSample)));
        checks.add(new Check(
                "keys both succeeded and dead-lettered",
                succeededAndDeadLettered == 0,
                withSample(succeededAndDeadLettered, succeededAndDeadLetteredSample)));
        checks.add(new Check(
                "dead letters of keys never published",
                deadLettersNeverPublished == 0,
                withSample(deadLettersNeverPublished, deadLettersNeverPublishedSample)));
        checks.add(new Check(
                "effects duplicated at the downstream",
                duplicatedEffects == 0,
                withSample(duplicatedEffects, duplicatedEffectsSample)));
        return checks;
    }

    /** Returns the report as lines of text. */
    List<String> render() {
        List<String> lines = new ArrayList<>();
        lines.add("Accounting of " + runId + " (counts are of idempotency keys)");
        lines.add(row("operations called", called, "each with a unique idempotency key"));
        lines.add(row("  succeeded at the first call", succeededAtFirstCall, "response below 400; nothing published"));
        lines.add(
                row("  not retryable at the first call", notRetryable, "4xx response such as 422; nothing published"));
        lines.add(row("  published", published, "first call failed retryably; Kafka acknowledged it in " + firstTier));
        lines.add(row("  failed to publish", failedToPublish, "neither completed nor acknowledged by Kafka"));

        lines.add(row("published", published, ""));
        lines.add(row("  succeeded", succeeded, "published keys with a 2xx response at the downstream"));
        lines.add(row(
                "  dead-lettered",
                deadLettered,
                "published keys in " + deadLetterTopic + ", read with read_committed"));
        deadLetteredByReason.forEach((reason, count) -> lines.add(row("    " + reason, count, "")));
        lines.add(row("  pending", pending, "published keys neither succeeded nor dead-lettered"));
        if (deadLetterRecords > deadLettered) {
            lines.add("  (" + deadLetterRecords + " dead-letter records for " + deadLettered + " keys)");
        }
        if (waitingAtWorkers > 0) {
            lines.add("  (" + waitingAtWorkers + " records still wait in the workers' timer stores)");
        }

        if (duplicatedEffects > 0) {
            lines.add("  (" + duplicatedAfterFirstCallTimeout + " of the " + duplicatedEffects + " keys with duplicated"
                    + " effects got a 2xx response to a first call that had timed out at the caller; an idempotent"
                    + " downstream deduplicates those by key)");
        }
        lines.add("Checks");
        for (Check check : checks()) {
            lines.add(String.format(
                    Locale.ROOT, "  %-6s %-52s %s", check.passed() ? "[ok]" : "[FAIL]", check.name(), check.detail()));
        }

        lines.add("Lateness p99 (attempt start minus due time, highest of the workers): " + lateness());
        lines.add(String.format(
                Locale.ROOT,
                "First calls: longest %d ms, %d longer than %d ms",
                maxFirstCallMs,
                slowFirstCalls,
                LoadGenerator.SLOW_FIRST_CALL_MS));
        lines.add("Elapsed " + LiveView.formatElapsed(elapsed));
        lines.add(verdict());
        return lines;
    }

    private String verdict() {
        if (holds()) {
            return "The accounting holds: every published operation succeeded or was dead-lettered, and no effect"
                    + " was duplicated.";
        }
        if (timedOut) {
            return "The accounting does NOT hold: " + pending + " published operations were still pending when"
                    + " the timeout passed.";
        }
        return "The accounting does NOT hold; see the failed checks above.";
    }

    private String lateness() {
        if (latenessP99MsByTier.isEmpty()) {
            return "no attempts";
        }
        List<String> parts = new ArrayList<>();
        latenessP99MsByTier.forEach((tier, millis) -> parts.add(tier + " " + Math.round(millis) + " ms"));
        return String.join(", ", parts);
    }

    private static String row(String term, long count, String definition) {
        return String.format(Locale.ROOT, "  %-34s %8d  %s", term, count, definition)
                .stripTrailing();
    }

    private static String withSample(long count, List<String> sample) {
        if (count == 0) {
            return "0";
        }
        return count + ", for example " + String.join(", ", sample);
    }
}
