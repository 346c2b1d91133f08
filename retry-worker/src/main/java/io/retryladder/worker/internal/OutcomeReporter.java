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
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.OUTCOME_REPORT, new byte[] {1});
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                entry.sourceTopic(),
                entry.sourcePartition(),
                operation.getIdempotencyKey().getBytes(StandardCharsets.UTF_8),
                report.serialize(),
                headers);
        try {
            sender.execute(() -> send(record, operation, attempt, entry));
        } catch (RejectedExecutionException e) {
            log.warn(
                    "Dropped the result of attempt {} of key {} from {} because the worker is closing; its next"
                            + " owner calls again with the same idempotency key",
                    attempt,
                    operation.getIdempotencyKey(),
                    entry.position());
        }
    }

    private void send(ProducerRecord<byte[], byte[]> record, FailedOperation operation, int attempt, TimerEntry entry) {
        try {
            producer.send(record, (metadata, error) -> onSent(error, operation, attempt, entry));
        } catch (RuntimeException e) {
            onSent(e, operation, attempt, entry);
        }
    }

    private static void onSent(Exception error, FailedOperation operation, int attempt, TimerEntry entry) {
        if (error != null) {
            log.warn(
                    "Failed to hand over the result of attempt {} of key {} from {}; its next owner calls again"
                            + " with the same idempotency key: {}",
                    attempt,
                    operation.getIdempotencyKey(),
                    entry.position(),
                    error.toString());
        } else {
            log.info(
                    "Handed over the result of attempt {} of key {} to the owner of {}-{}",
                    attempt,
                    operation.getIdempotencyKey(),
                    entry.sourceTopic(),
                    entry.sourcePartition());
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
