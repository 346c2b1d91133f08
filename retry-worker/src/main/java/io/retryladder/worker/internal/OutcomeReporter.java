package io.retryladder.worker.internal;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.worker.AttemptResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link OutcomeReport}s for attempts that finish after their task left this worker, so that
 * the task's new owner applies the result instead of calling the target a second time. A report that
 * cannot be written is logged; the new owner then calls again, with the same idempotency key.
 *
 * <p>Reports are sent from the reporter's own thread, because the HTTP client completes calls on its
 * selector thread, which a producer waiting for metadata or buffer space must not block.
 */
public final class OutcomeReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutcomeReporter.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaProducer<byte[], byte[]> producer;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "retry-worker-outcome-reporter");
        thread.setDaemon(true);
        return thread;
    });

    public OutcomeReporter(Map<String, Object> producerSettings) {
        this.producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Reports the result of an attempt started at {@code startedAtMs} for a record that now belongs elsewhere. */
    public void report(
            TimerEntry entry, FailedOperation operation, int attempt, long startedAtMs, AttemptResult result) {
        OutcomeReport report =
                new OutcomeReport(operation.getOperationId(), operation.getReplayCount(), attempt, startedAtMs, result);
        send(entry.sourceTopic(), entry.sourcePartition(), operation.getIdempotencyKey(), report, true);
    }

    /**
     * Reports that the call of an attempt was in flight when its task moved away. The task's next
     * owner then waits for the result, also when the start mark of the call was in a transaction that
     * aborted.
     */
    public void reportStart(TimerEntry entry, FailedOperation operation, int attempt, long startedAtMs) {
        OutcomeReport report =
                OutcomeReport.started(operation.getOperationId(), operation.getReplayCount(), attempt, startedAtMs);
        send(entry.sourceTopic(), entry.sourcePartition(), operation.getIdempotencyKey(), report, false);
    }

    /**
     * Reports the result of an attempt that a task applied in a transaction whose commit it did not
     * see before it closed. When that commit happened, the task's next owner finds the attempt
     * finished and ignores the report. When the transaction aborted, the report saves a second call.
     */
    public void reportUncommitted(String topic, int partition, String idempotencyKey, OutcomeReport report) {
        send(topic, partition, idempotencyKey, report, false);
    }

    private void send(String topic, int partition, String idempotencyKey, OutcomeReport report, boolean logSent) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.OUTCOME_REPORT, new byte[] {1});
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic, partition, idempotencyKey.getBytes(StandardCharsets.UTF_8), report.serialize(), headers);
        String subject = (report.inFlight() ? "the start of attempt " : "the result of attempt ") + report.attempt()
                + " of key " + idempotencyKey;
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, (metadata, error) -> onSent(error, subject, topic, partition, logSent));
                } catch (RuntimeException e) {
                    onSent(e, subject, topic, partition, logSent);
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn(
                    "Dropped {} from {}-{} because the worker is closing; its next owner calls again"
                            + " with the same idempotency key",
                    subject,
                    topic,
                    partition);
        }
    }

    private static void onSent(Exception error, String subject, String topic, int partition, boolean logSent) {
        if (error != null) {
            log.warn(
                    "Failed to hand over {} to the owner of {}-{}; it calls again with the same"
                            + " idempotency key: {}",
                    subject,
                    topic,
                    partition,
                    error.toString());
        } else if (logSent) {
            log.info("Handed over {} to the owner of {}-{}", subject, topic, partition);
        } else {
            log.debug("Sent {} to the owner of {}-{}", subject, topic, partition);
        }
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(CLOSE_TIMEOUT);
    }
}
