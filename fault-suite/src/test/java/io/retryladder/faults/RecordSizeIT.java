package io.retryladder.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.faults.FaultReport.Row;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.InvalidOperationException;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records close to the size limit: every topic has max.message.bytes of {@value #MAX_MESSAGE_BYTES},
 * and each body is sized so that the publisher's record lies within {@value #SPREAD_BYTES} bytes of
 * the largest body the publisher accepts. Every attempt but the last fails, so each envelope crosses
 * every tier, growing with its error and history, and half of them end in the dead-letter topic.
 *
 * <p>Allowed: nothing repeated, nothing lost. The publisher may reject a body synchronously; such an
 * operation never entered the pipeline and is not counted.
 */
@Order(6)
@ExtendWith({KafkaExtension.class, FaultReport.class})
class RecordSizeIT {

    private static final String SCENARIO = "record-size";
    private static final int MAX_MESSAGE_BYTES = 16_384;
    private static final int SPREAD_BYTES = 512;

    @Test
    void recordsNearTheLimitEndEveryKeyOnce(KafkaCluster kafka) throws Exception {
        long startNanos = System.nanoTime();
        CallLedger ledger = new CallLedger(RecordSizeIT::answer, Duration.ofMinutes(1));
        try (LoopbackDownstream downstream = LoopbackDownstream.start(0, ledger, false);
                FaultPipeline pipeline = new FaultPipeline(SCENARIO, kafka.clientProperties())) {
            pipeline.createTopics(Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
            WorkerFleet fleet = pipeline.startWorkers(2, Map.of());
            RetryPublisher publisher = pipeline.publisher(Clock.systemUTC(), Map.of());
            String url = downstream.baseUrl() + "/store";
            List<String> keys = Scripts.keys(SCENARIO, Scripts.operations());

            Map<String, CompletableFuture<?>> sent = new LinkedHashMap<>();
            int largestBody = publishLargest(publisher, url, keys.get(0), sent);
            int rejected = 0;
            for (int i = 1; i < keys.size(); i++) {
                int size = largestBody - (i % SPREAD_BYTES);
                try {
                    sent.put(keys.get(i), publisher.publish(operation(url, keys.get(i), size), failure()));
                } catch (InvalidOperationException e) {
                    rejected++;
                }
                if (i % 25 == 0) {
                    WorkerFleet.sleep(100);
                }
            }
            List<String> published = acknowledged(sent);
            pipeline.awaitEnded(published, ledger, Duration.ofMinutes(2), Duration.ofSeconds(3));
            List<String> tooLarge = fleet.logLines("would be about");
            fleet.stop(30);

            Tally tally = Tally.of(published, ledger, pipeline.deadLetters(), List.of());
            FaultReport.add(new Row(
                    SCENARIO,
                    keys.size(),
                    String.format(
                            Locale.ROOT,
                            "bodies %d-%d B, max.message.bytes %d",
                            largestBody - SPREAD_BYTES + 1,
                            largestBody,
                            MAX_MESSAGE_BYTES),
                    tally.lost().size(),
                    tally.duplicated().size(),
                    "0 (<= 0)",
                    String.format(
                            Locale.ROOT,
                            "%d rejected by the publisher, %d not acknowledged by Kafka, %d worker log lines"
                                    + " about records over the limit%s",
                            rejected,
                            sent.size() - published.size(),
                            tooLarge.size(),
                            tooLarge.isEmpty() ? "" : ", first: " + tooLarge.get(0)),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos)));

            assertThat(published).as("operations Kafka acknowledged").hasSize(sent.size());
            assertThat(tally.lost())
                    .as("keys with neither an effect nor a dead letter" + tally.examples(5))
                    .isEmpty();
            assertThat(tally.duplicated())
                    .as("keys that ended more than once" + tally.examples(5))
                    .isEmpty();
        }
    }

    /** Publishes the largest body the publisher accepts for {@code key} and returns its size. */
    private static int publishLargest(
            RetryPublisher publisher, String url, String key, Map<String, CompletableFuture<?>> sent) {
        for (int size = MAX_MESSAGE_BYTES; size > 0; size -= 8) {
            try {
                sent.put(key, publisher.publish(operation(url, key, size), failure()));
                return size;
            } catch (InvalidOperationException ignored) {
                // Too large for the first tier; try a smaller body.
            }
        }
        throw new IllegalStateException("The publisher accepted no body for " + key);
    }

    private static List<String> acknowledged(Map<String, CompletableFuture<?>> sent) throws InterruptedException {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<?>> entry : sent.entrySet()) {
            try {
                entry.getValue().get(2, TimeUnit.MINUTES);
                keys.add(entry.getKey());
            } catch (ExecutionException | TimeoutException e) {
                System.out.printf("[faults] %s: Kafka did not acknowledge %s: %s%n", SCENARIO, entry.getKey(), e);
            }
        }
        return keys;
    }

    private static Operation operation(String url, String key, int bodyBytes) {
        return Operation.http("PUT", url)
                .idempotencyKey(key)
                .header("Content-Type", "text/plain")
                .body("x".repeat(bodyBytes))
                .build();
    }

    private static Failure failure() {
        return Failure.httpStatus(503, "HTTP 503 from PUT 127.0.0.1", null);
    }

    /** Fails attempts 2 and 3; attempt 4 succeeds for half of the keys, so the others are dead-lettered. */
    private static Response answer(Call call) {
        boolean lastSucceeds = Math.floorMod(call.idempotencyKey().hashCode(), 2) == 0;
        boolean success = call.attempt() >= 4 && lastSucceeds;
        return (success ? Response.ok() : Response.status(500)).after(Duration.ofMillis(5));
    }
}
