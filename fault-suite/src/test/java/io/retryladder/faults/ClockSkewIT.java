package io.retryladder.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.codec.UndecodableEnvelopeException;
import io.retryladder.faults.CallLedger.Exchange;
import io.retryladder.faults.FaultReport.Row;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.testing.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Publishers whose clocks run five minutes ahead of and behind the workers', and a publisher whose
 * ladder ends in a ten-minute tier, so its due times lie far beyond the workers' longest delay.
 *
 * <p>Checks, besides the accounting: no attempt reaches the downstream before the broker's append
 * time of the tier record it came from plus the record's delay (due time minus failure time, capped
 * at the workers' longest delay); a due time beyond the longest delay is capped, counted in
 * retry.worker.due.capped and logged. Allowed: nothing repeated.
 */
@Order(5)
@ExtendWith({KafkaExtension.class, FaultReport.class})
class ClockSkewIT {

    private static final String SCENARIO = "clock-skew";
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final Duration FAR_RETRY_AFTER = Duration.ofMinutes(10);
    private static final int FAR_SHARE_PERCENT = 5;

    @Test
    void skewedPublishersNeverMakeAttemptsEarly(KafkaCluster kafka) throws Exception {
        long startNanos = System.nanoTime();
        CallLedger ledger = new CallLedger(Scripts::byKey, Duration.ofMinutes(1));
        try (LoopbackDownstream downstream = LoopbackDownstream.start(0, ledger, false);
                FaultPipeline pipeline = new FaultPipeline(SCENARIO, kafka.clientProperties())) {
            pipeline.createTopics(Map.of());
            WorkerFleet fleet = pipeline.startWorkers(2, Map.of());
            Clock system = Clock.systemUTC();
            RetryPublisher ahead = pipeline.publisher(Clock.offset(system, SKEW), Map.of());
            RetryPublisher behind = pipeline.publisher(Clock.offset(system, SKEW.negated()), Map.of());
            RetryPublisher farLadder = pipeline.publisher(
                    system,
                    Map.of(
                            "retry.tier.topics",
                            String.join(",", pipeline.tierTopics()),
                            "retry.tier.delays.ms",
                            "300,600," + FAR_RETRY_AFTER.toMillis()));

            List<String> keys = Scripts.keys(SCENARIO, Scripts.operations());
            List<String> farKeys = new ArrayList<>();
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                Operation operation = FaultPipeline.operation(downstream.baseUrl() + "/pay", key);
                if (i % 100 < FAR_SHARE_PERCENT) {
                    farKeys.add(key);
                    sent.add(farLadder.publish(operation, Failure.httpStatus(503, "", FAR_RETRY_AFTER)));
                } else {
                    RetryPublisher publisher = i % 2 == 0 ? ahead : behind;
                    sent.add(publisher.publish(operation, Failure.httpStatus(503, "", null)));
                }
                if ((i + 1) % 25 == 0) {
                    WorkerFleet.sleep(100);
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
            pipeline.awaitEnded(keys, ledger, Duration.ofMinutes(2), Duration.ofSeconds(3));
            double capped = fleet.metricSum("retry_worker_due_capped_total");
            List<String> cappedLines = fleet.logLines("beyond the longest tier delay");
            fleet.stop(30);

            Tally tally = Tally.of(keys, ledger, pipeline.deadLetters(), List.of());
            Map<String, Long> earliestByAttempt = earliestAllowed(pipeline);
            List<String> early = earlyCalls(keys, ledger, earliestByAttempt);
            List<String> farLate = farKeysNotCapped(farKeys, ledger, earliestByAttempt);
            FaultReport.add(new Row(
                    SCENARIO,
                    keys.size(),
                    String.format(
                            Locale.ROOT,
                            "clocks +-%d min; %d due %d min out",
                            SKEW.toMinutes(),
                            farKeys.size(),
                            FAR_RETRY_AFTER.toMinutes()),
                    tally.lost().size(),
                    tally.duplicated().size(),
                    "0 (<= 0)",
                    String.format(
                            Locale.ROOT,
                            "%d attempts earlier than allowed; %.0f due times capped (metric), %d log lines",
                            early.size(),
                            capped,
                            cappedLines.size()),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos)));

            assertThat(tally.lost())
                    .as("keys with neither an effect nor a dead letter" + tally.examples(5))
                    .isEmpty();
            assertThat(tally.duplicated())
                    .as("keys that ended more than once" + tally.examples(5))
                    .isEmpty();
            assertThat(early)
                    .as("attempts before their tier record's append time plus its delay")
                    .isEmpty();
            assertThat(farLate)
                    .as("far-due keys whose attempt 2 waited beyond the capped delay")
                    .isEmpty();
            assertThat(capped)
                    .as("retry_worker_due_capped_total over all workers")
                    .isGreaterThanOrEqualTo(farKeys.size());
            assertThat(cappedLines)
                    .as("worker log lines about capped due times")
                    .isNotEmpty();
        }
    }

    /**
     * Returns, for each key and envelope attempt, the earliest time its next attempt may start: the
     * append time of the first tier record that carried it plus its delay, capped at the longest delay.
     */
    private static Map<String, Long> earliestAllowed(FaultPipeline pipeline) {
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        Map<String, Long> earliest = new HashMap<>();
        for (String topic : pipeline.tierTopics()) {
            for (ConsumerRecord<byte[], byte[]> record :
                    Topics.readAll(pipeline.clientProperties(), topic, Duration.ofSeconds(60))) {
                FailedOperation envelope;
                try {
                    envelope = codec.decode(record.value());
                } catch (UndecodableEnvelopeException e) {
                    continue;
                }
                long delayMs = envelope.getDueAt().toEpochMilli()
                        - envelope.getLastFailureAt().toEpochMilli();
                long allowed = record.timestamp() + Math.min(Math.max(0, delayMs), FaultPipeline.MAX_DELAY.toMillis());
                earliest.merge(envelope.getIdempotencyKey() + "#" + envelope.getAttempt(), allowed, Math::min);
            }
        }
        return earliest;
    }

    private static List<String> earlyCalls(List<String> keys, CallLedger ledger, Map<String, Long> earliest) {
        List<String> early = new ArrayList<>();
        for (String key : keys) {
            for (Exchange exchange : ledger.exchanges(key)) {
                Long allowed = earliest.get(key + "#" + (exchange.attempt() - 1));
                if (allowed == null) {
                    early.add(key + " attempt " + exchange.attempt() + " has no tier record");
                } else if (exchange.arrivedAtMs() < allowed) {
                    early.add(key + " attempt " + exchange.attempt() + " " + (allowed - exchange.arrivedAtMs())
                            + " ms early");
                }
            }
        }
        return early;
    }

    /** Returns far-due keys whose attempt 2 came more than 30 s after the capped due time. */
    private static List<String> farKeysNotCapped(List<String> farKeys, CallLedger ledger, Map<String, Long> earliest) {
        List<String> late = new ArrayList<>();
        for (String key : farKeys) {
            Long allowed = earliest.get(key + "#1");
            Exchange first = ledger.exchanges(key).stream()
                    .filter(exchange -> exchange.attempt() == 2)
                    .findFirst()
                    .orElse(null);
            if (allowed == null || first == null || first.arrivedAtMs() > allowed + 30_000) {
                late.add(key);
            }
        }
        return late;
    }
}
