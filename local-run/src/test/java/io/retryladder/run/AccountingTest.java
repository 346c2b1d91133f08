package io.retryladder.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.run.AccountingReport.Check;
import io.retryladder.run.LoadGenerator.LoadProgress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccountingTest {

    private final EffectLedger effects = new EffectLedger();
    private final Map<String, String> deadLetters = new HashMap<>();

    @Test
    void accountingHoldsWhenEveryPublishedKeyEndsOnce() {
        effects.record("first-call-ok", 1);
        effects.record("p1", 2);
        effects.record("p2", 2);
        deadLetters.put("p3", "ATTEMPTS_EXHAUSTED");
        deadLetters.put("p4", "NON_RETRYABLE");

        AccountingReport report = compute(Set.of("p1", "p2", "p3", "p4"), false);

        assertThat(report.published()).isEqualTo(4);
        assertThat(report.succeeded()).isEqualTo(2);
        assertThat(report.deadLettered()).isEqualTo(2);
        assertThat(report.deadLetteredByReason()).isEqualTo(Map.of("ATTEMPTS_EXHAUSTED", 1L, "NON_RETRYABLE", 1L));
        assertThat(report.pending()).isZero();
        assertThat(report.duplicatedEffects()).isZero();
        assertThat(report.holds()).isTrue();
        assertThat(report.render()).last().asString().startsWith("The accounting holds");
    }

    @Test
    void pendingKeyFailsTheAccounting() {
        effects.record("p1", 2);

        AccountingReport report = compute(Set.of("p1", "p2"), false);

        assertThat(report.pending()).isEqualTo(1);
        assertThat(report.pendingSample()).containsExactly("p2");
        assertThat(report.holds()).isFalse();
        assertThat(failed(report)).containsExactly("pending at the end");
    }

    @Test
    void timeoutFailsAndListsPending() {
        AccountingReport report = compute(Set.of("p1"), true);

        assertThat(report.holds()).isFalse();
        assertThat(report.render())
                .last()
                .asString()
                .isEqualTo("The accounting does NOT hold: 1 published operations were still pending when the timeout"
                        + " passed.");
        assertThat(report.render()).anyMatch(line -> line.contains("1, for example p1"));
    }

    @Test
    void duplicatedEffectFailsTheAccounting() {
        effects.record("p1", 1);
        effects.record("p1", 2);

        AccountingReport report = compute(Set.of("p1"), false);

        assertThat(report.duplicatedEffects()).isEqualTo(1);
        assertThat(report.duplicatedEffectsSample())
                .containsExactly("p1 (2xx responses to attempts 1, 2; first call failed: HTTP 500)");
        assertThat(failed(report)).containsExactly("effects duplicated at the downstream");
    }

    @Test
    void duplicateAfterFirstCallTimeoutIsCounted() {
        effects.record("p1", 1);
        effects.record("p1", 2);
        LoadProgress load = new LoadProgress(1, 1, 0, 0, 1, 0, 0, 0, 0);

        AccountingReport report = Accounting.compute(new Accounting.Inputs(
                "run-test",
                load,
                Map.of("p1", Accounting.FIRST_CALL_TIMEOUT),
                Map.of(),
                effects,
                deadLetters,
                0,
                0,
                Map.of(),
                "retry-1s",
                "retry-dlq",
                false,
                Duration.ofSeconds(1)));

        assertThat(report.duplicatedAfterFirstCallTimeout()).isEqualTo(1);
        assertThat(report.render()).anyMatch(line -> line.contains("1 of the 1 keys with duplicated effects"));
        assertThat(report.holds()).isFalse();
    }

    @Test
    void duplicatedEffectOfAFirstCallFailsTheAccounting() {
        effects.record("first-call-ok", 1);
        effects.record("first-call-ok", 1);

        AccountingReport report = compute(Set.of(), false);

        assertThat(failed(report)).containsExactly("effects duplicated at the downstream");
    }

    @Test
    void keySucceededAndDeadLetteredFailsTheAccounting() {
        effects.record("p1", 2);
        deadLetters.put("p1", "ATTEMPTS_EXHAUSTED");

        AccountingReport report = compute(Set.of("p1"), false);

        assertThat(report.succeededAndDeadLettered()).isEqualTo(1);
        assertThat(failed(report))
                .containsExactly(
                        "published = succeeded + dead-lettered + pending", "keys both succeeded and dead-lettered");
    }

    @Test
    void deadLetterOfUnpublishedKeyFails() {
        deadLetters.put("never", "NON_RETRYABLE");

        AccountingReport report = compute(Set.of(), false);

        assertThat(report.deadLettersNeverPublished()).isEqualTo(1);
        assertThat(failed(report)).containsExactly("dead letters of keys never published");
    }

    @Test
    void operationThatFailedToPublishFailsTheAccounting() {
        LoadProgress load = new LoadProgress(1, 1, 0, 0, 0, 1, 0, 0, 0);

        AccountingReport report = Accounting.compute(inputs(load, Set.of(), Map.of("k", "TimeoutException"), false));

        assertThat(failed(report)).containsExactly("operations neither completed nor published");
    }

    @Test
    void unfinishedFirstCallFailsTheAccounting() {
        LoadProgress load = new LoadProgress(2, 1, 1, 0, 0, 0, 0, 0, 0);

        AccountingReport report = Accounting.compute(inputs(load, Set.of(), Map.of(), false));

        assertThat(failed(report)).containsExactly("every operation called, and its first call finished");
    }

    private AccountingReport compute(Set<String> published, boolean timedOut) {
        LoadProgress load =
                new LoadProgress(published.size() + 1, published.size() + 1, 1, 0, published.size(), 0, 0, 0, 0);
        return Accounting.compute(inputs(load, published, Map.of(), timedOut));
    }

    private Accounting.Inputs inputs(
            LoadProgress load, Set<String> published, Map<String, String> failed, boolean timedOut) {
        Map<String, String> firstCallFailures = new HashMap<>();
        published.forEach(key -> firstCallFailures.put(key, "HTTP 500"));
        return new Accounting.Inputs(
                "run-test",
                load,
                firstCallFailures,
                failed,
                effects,
                deadLetters,
                deadLetters.size(),
                0,
                Map.of("retry-1s", 12.0),
                "retry-1s",
                "retry-dlq",
                timedOut,
                Duration.ofSeconds(61));
    }

    private static List<String> failed(AccountingReport report) {
        return report.checks().stream()
                .filter(check -> !check.passed())
                .map(Check::name)
                .toList();
    }
}
