package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker whose clock jumps by more than half the session timeout between two punctuations treats
 * the jump as a stall. It then starts no call for at least 1 s, and not before a commit confirms that
 * it still owns its partitions.
 */
@ExtendWith(KafkaExtension.class)
class StallIT {

    @Test
    void stalledWorkerWaitsBeforeCalling(KafkaCluster kafka) throws Exception {
        OffsetClock clock = new OffsetClock();
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "200,400,800")) {
            RetryWorker worker = RetryWorker.builder(pipeline.workerSettings(Map.of()))
                    .clock(clock)
                    .start()
                    .awaitRunning(Duration.ofSeconds(60));
            try {
                RetryPublisher publisher = pipeline.publisher();
                publish(publisher, downstream, "stall-before");
                await().atMost(Duration.ofSeconds(30)).until(() -> downstream.keysWithEffects() == 1);

                // The default session timeout of 10 s makes a gap of more than 5 s a stall.
                clock.advance(Duration.ofSeconds(6));
                long jumpedAtMs = System.currentTimeMillis();
                publish(publisher, downstream, "stall-after");
                await().atMost(Duration.ofSeconds(30)).until(() -> downstream.keysWithEffects() == 2);

                Call after = downstream.calls().stream()
                        .filter(call -> call.idempotencyKey().equals("stall-after"))
                        .findFirst()
                        .orElseThrow();
                assertThat(after.arrivedAtMs() - jumpedAtMs)
                        .as("milliseconds from the stall to the next call")
                        .isGreaterThanOrEqualTo(1_000);
                assertThat(downstream.keysWithDuplicateEffects()).isEmpty();
            } finally {
                worker.close();
            }
        }
    }

    private static void publish(RetryPublisher publisher, LoopbackDownstream downstream, String key) throws Exception {
        Operation operation = Operation.http("POST", downstream.baseUrl() + "/pay")
                .idempotencyKey(key)
                .build();
        publisher.publish(operation, Failure.httpStatus(503, "", null)).get(30, TimeUnit.SECONDS);
    }

    /** The system clock plus an offset that the test moves forward. */
    private static final class OffsetClock extends Clock {
        private final AtomicLong offsetMs = new AtomicLong();

        void advance(Duration duration) {
            offsetMs.addAndGet(duration.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offsetMs.get();
        }
    }
}
