package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.testing.Topics;
import io.retryladder.worker.internal.OutcomeReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A report that an earlier attempt succeeded ends the operation, also when the task's new owner has
 * already repeated that attempt and waits for the next one. A worker that stopped for longer than the
 * session timeout sends such a report when it resumes.
 */
@ExtendWith(KafkaExtension.class)
class LateReportIT {

    @Test
    void earlierSuccessEndsOperation(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.status(500));
                Pipeline pipeline = new Pipeline(kafka, "300,8000,16000")) {
            RetryWorker worker = pipeline.startWorker();
            Operation operation = Operation.http("POST", downstream.baseUrl() + "/pay")
                    .idempotencyKey("late-report")
                    .build();
            pipeline.publisher()
                    .publish(operation, Failure.httpStatus(503, "", null))
                    .get(30, TimeUnit.SECONDS);
            // Attempt 2 fails here, so the key waits 8 s in the second tier for attempt 3.
            await().atMost(Duration.ofSeconds(30)).until(() -> downstream.callCount() == 1);
            Thread.sleep(1000);

            ConsumerRecord<byte[], byte[]> first = Topics.readAll(
                            kafka.clientProperties(), pipeline.tier("300ms"), Duration.ofSeconds(10))
                    .get(0);
            FailedOperation published = EnvelopeCodec.singleObject().decode(first.value());
            OutcomeReport report = new OutcomeReport(
                    published.getOperationId(), 0, 2, System.currentTimeMillis() - 2000, AttemptResult.success(200));
            RecordHeaders headers = new RecordHeaders();
            headers.add(PipelineHeaders.OUTCOME_REPORT, new byte[] {1});
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    new HashMap<>(kafka.clientProperties()), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(
                                pipeline.tier("300ms"),
                                first.partition(),
                                "late-report".getBytes(StandardCharsets.UTF_8),
                                report.serialize(),
                                headers))
                        .get(10, TimeUnit.SECONDS);
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> DedupeIT.counter(worker, "retry.worker.handovers") >= 1);
            // Attempt 3 would be due about 8 s after attempt 2.
            Thread.sleep(10_000);
            assertThat(downstream.callCount())
                    .as("calls after the report of an earlier success")
                    .isEqualTo(1);
            List<ConsumerRecord<byte[], byte[]>> deadLetters = pipeline.deadLetters();
            assertThat(deadLetters).isEmpty();
        }
    }
}
