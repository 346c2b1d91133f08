package io.retryladder.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.faults.FaultReport.Row;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Behavior;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A downstream that misbehaves in phases while operations flow. First it mixes connection resets,
 * responses slower than the worker's call timeout and slow but timely responses. Then a 503 storm
 * follows, then a phase in which it never responds, then its normal script.
 *
 * <p>Allowed: a late effect, that is a 2xx response sent after the worker timed the call out. The
 * worker cannot know the call took effect and repeats it with the same idempotency key, which an
 * idempotent downstream deduplicates. Late effects are counted apart and never count as the key's
 * success. No timely effect may repeat.
 */
@Order(3)
@ExtendWith({KafkaExtension.class, FaultReport.class})
class DownstreamFaultsIT {

    private static final String SCENARIO = "downstream-faults";
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration MIXED_UNTIL = Duration.ofSeconds(6);
    private static final Duration STORM_UNTIL = Duration.ofSeconds(11);
    private static final Duration SILENT_UNTIL = Duration.ofSeconds(16);

    @Test
    void misbehavingDownstreamEndsEveryKeyOnce(KafkaCluster kafka) throws Exception {
        long startNanos = System.nanoTime();
        FaultyDownstream faults = new FaultyDownstream();
        CallLedger ledger = new CallLedger(faults, CALL_TIMEOUT);
        try (LoopbackDownstream downstream = LoopbackDownstream.start(0, ledger, false);
                FaultPipeline pipeline = new FaultPipeline(SCENARIO, kafka.clientProperties())) {
            pipeline.createTopics(Map.of());
            WorkerFleet fleet = pipeline.startWorkers(
                    2,
                    Map.of(
                            "retry.call.timeout.ms",
                            Long.toString(CALL_TIMEOUT.toMillis()),
                            "retry.breaker.open.duration.max.ms",
                            "10000"));
            RetryPublisher publisher = pipeline.publisher(Clock.systemUTC(), Map.of());
            List<Operation> operations = Scripts.keys(SCENARIO, Scripts.operations()).stream()
                    .map(key -> FaultPipeline.operation(downstream.baseUrl() + "/pay", key))
                    .toList();

            faults.begin();
            List<String> keys = FaultPipeline.publish(publisher, operations, 25, Duration.ofMillis(100));
            pipeline.awaitEnded(keys, ledger, Duration.ofMinutes(2), Duration.ofSeconds(5));
            fleet.stop(30);

            Tally tally = Tally.of(keys, ledger, pipeline.deadLetters(), List.of());
            FaultReport.add(new Row(
                    SCENARIO,
                    operations.size(),
                    faults.describe(),
                    tally.lost().size(),
                    tally.duplicated().size(),
                    "0 (<= 0)",
                    String.format(
                            Locale.ROOT,
                            "%d keys had a late effect (2xx after the %d ms call timeout) that the worker repeated"
                                    + " with the same key; %d succeeded, %d dead-lettered",
                            tally.lateEffects(),
                            CALL_TIMEOUT.toMillis(),
                            tally.succeeded(),
                            tally.deadLettered()),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos)));

            assertThat(keys).as("operations Kafka acknowledged").hasSize(operations.size());
            assertThat(tally.lost())
                    .as("keys with neither an effect nor a dead letter" + tally.examples(5))
                    .isEmpty();
            assertThat(tally.duplicated())
                    .as("keys that ended more than once" + tally.examples(5))
                    .isEmpty();
            assertThat(faults.resets.get()).as("connection resets injected").isPositive();
            assertThat(faults.late.get())
                    .as("responses after the call timeout injected")
                    .isPositive();
            assertThat(faults.storm.get()).as("503 responses injected").isPositive();
            assertThat(faults.silent.get()).as("calls without a response").isPositive();
        }
    }

    /** The phased fault script, which responds as {@link Scripts#byKey} does outside the faults. */
    private static final class FaultyDownstream implements Behavior {
        final AtomicLong resets = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final AtomicLong slow = new AtomicLong();
        final AtomicLong storm = new AtomicLong();
        final AtomicLong silent = new AtomicLong();
        private volatile long startNanos = Long.MAX_VALUE;

        void begin() {
            startNanos = System.nanoTime();
        }

        @Override
        public Response respond(Call call) {
            long elapsedNanos = System.nanoTime() - startNanos;
            if (elapsedNanos < 0) {
                return Scripts.byKey(call);
            }
            if (elapsedNanos < MIXED_UNTIL.toNanos()) {
                double roll = ThreadLocalRandom.current().nextDouble();
                if (roll < 0.15) {
                    resets.incrementAndGet();
                    return Response.dropConnection();
                }
                if (roll < 0.25) {
                    late.incrementAndGet();
                    return Response.ok().after(CALL_TIMEOUT.multipliedBy(2));
                }
                if (roll < 0.30) {
                    slow.incrementAndGet();
                    return Scripts.byKey(call).after(CALL_TIMEOUT.dividedBy(3));
                }
                return Scripts.byKey(call);
            }
            if (elapsedNanos < STORM_UNTIL.toNanos()) {
                storm.incrementAndGet();
                return Response.status(503).after(Duration.ofMillis(5));
            }
            if (elapsedNanos < SILENT_UNTIL.toNanos()) {
                silent.incrementAndGet();
                return Response.never();
            }
            return Scripts.byKey(call);
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%d resets, %d late, %d slow, %d in 503 storm, %d unanswered",
                    resets.get(),
                    late.get(),
                    slow.get(),
                    storm.get(),
                    silent.get());
        }
    }
}
