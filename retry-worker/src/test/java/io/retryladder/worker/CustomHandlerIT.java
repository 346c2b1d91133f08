package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Custom operation types run through handlers that ServiceLoader finds. */
@ExtendWith(KafkaExtension.class)
class CustomHandlerIT {

    @Test
    void serviceLoadedHandlerRunsCustomOperation(KafkaCluster kafka) throws Exception {
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            pipeline.startWorker();
            int before = ServiceLoadedHandler.ATTEMPTS.get();

            pipeline.publisher()
                    .publish(
                            Operation.custom("test.service-loaded", new byte[] {1})
                                    .idempotencyKey("custom-1")
                                    .build(),
                            Failure.custom("busy", true))
                    .get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(20)).until(() -> ServiceLoadedHandler.ATTEMPTS.get() == before + 1);
            Thread.sleep(1000);
            assertThat(pipeline.deadLetters()).isEmpty();
        }
    }

    @Test
    void unknownTypeDeadLetteredWithReason(KafkaCluster kafka) throws Exception {
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            pipeline.startWorker();

            pipeline.publisher()
                    .publish(
                            Operation.custom("nobody.handles", null)
                                    .idempotencyKey("custom-2")
                                    .build(),
                            Failure.custom("busy", true))
                    .get(30, TimeUnit.SECONDS);

            DueTimeSchedulingIT.awaitDeadLetters(pipeline, 1);
            FailedOperation deadLetter = pipeline.deadLetterEnvelopes().get(0);
            assertThat(deadLetter.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
            assertThat(deadLetter.getLastError().getMessage())
                    .contains("no handler for operation type 'nobody.handles'");
        }
    }
}
