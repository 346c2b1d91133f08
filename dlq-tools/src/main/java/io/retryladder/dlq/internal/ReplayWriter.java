package io.retryladder.dlq.internal;

import io.retryladder.dlq.ToolException;
import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.Tier;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.registry.SchemaRegistryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replayed records to a tier topic with a transactional producer. Each replayed record and its
 * replay marker are written in the same Kafka transaction, so after a crash or an interruption a
 * dead letter has either both or neither. A later run of the same replay id reads the markers to
 * find exactly which dead letters are done. A transaction holds at most a set number of records and stays open at most a set time.
 */
public final class ReplayWriter {

    private static final Logger log = LoggerFactory.getLogger(ReplayWriter.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final EnvelopeCodec codec;
    private final Tier tier;
    private final String deadLetterTopic;
    private final String markersTopic;
    private final String replayId;
    private final String user;
    private final Clock clock;
    private final Limits limits;
    private final RatePacer pacer;
    private final Progress progress;
    private final BooleanSupplier stopRequested;

    private final List<Future<RecordMetadata>> pending = new ArrayList<>();
    private ReplayRun runToRecord;
    private boolean open;
    private int inTransaction;
    private long openedNanos;
    private long committed;

    /**
     * Bounds of one transaction.
     *
     * @param maxRecords the most replayed records in one transaction
     * @param maxOpen the longest time one transaction stays open
     */
    public record Limits(int maxRecords, Duration maxOpen) {}

    /** Thrown out of {@link #replay} when a stop was requested; the open transaction is aborted. */
    public static final class StopRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopRequested() {
            super("Stop requested", null, false, false);
        }
    }

    public ReplayWriter(
            KafkaProducer<byte[], byte[]> producer,
            EnvelopeCodec codec,
            Tier tier,
            String deadLetterTopic,
            String markersTopic,
            String replayId,
            String user,
            Clock clock,
            Limits limits,
            RatePacer pacer,
            Progress progress,
            BooleanSupplier stopRequested) {
        this.producer = producer;
        this.codec = codec;
        this.tier = tier;
        this.deadLetterTopic = deadLetterTopic;
        this.markersTopic = markersTopic;
        this.replayId = replayId;
        this.user = user;
        this.clock = clock;
        this.limits = limits;
        this.pacer = pacer;
        this.progress = progress;
        this.stopRequested = stopRequested;
    }

    /** Records the start of the replay id in the first transaction, unless an earlier run recorded it. */
    public void recordRun(ReplayRun run) {
        this.runToRecord = run;
    }

    /**
     * Replays one dead letter.
     *
     * @throws StopRequested when a stop was requested before the record was sent
     * @throws ToolException when Kafka or the registry fails; the open transaction is aborted
     */
    public void replay(DeadLetterEntry entry) {
        boolean interrupted = false;
        try {
            pacer.acquire();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // Clearing the interrupt lets the producer abort; the interrupt is handled as a stop request.
        if (interrupted || Thread.interrupted() || stopRequested.getAsBoolean()) {
            abort();
            throw new StopRequested();
        }
        try {
            send(entry);
            if (inTransaction >= limits.maxRecords()
                    || System.nanoTime() - openedNanos >= limits.maxOpen().toNanos()
                    || pacer.nanosUntilNext() >= limits.maxOpen().toNanos() - (System.nanoTime() - openedNanos)) {
                commit();
            }
        } catch (KafkaException e) {
            abort();
            throw ToolException.failure(KafkaFailures.describe(action(), e), e);
        } catch (SchemaRegistryException e) {
            abort();
            throw ToolException.failure(
                    "Failed to encode the replayed record of " + entry.id() + " for " + tier.topic() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Commits the open transaction, if any. */
    public void finish() {
        try {
            commit();
        } catch (KafkaException e) {
            abort();
            throw ToolException.failure(KafkaFailures.describe(action(), e), e);
        }
    }

    /** Returns how many replayed records are committed. */
    public long committed() {
        return committed;
    }

    /** Aborts the open transaction, if any, so that none of its records or markers become visible. */
    public void abort() {
        if (!open) {
            return;
        }
        open = false;
        pending.clear();
        try {
            producer.abortTransaction();
            log.info("Aborted the open transaction of replay {} with {} records", replayId, inTransaction);
        } catch (ProducerFencedException e) {
            log.warn(
                    "Replay {} was fenced by another run with the same replay id; that run aborted this one's"
                            + " open transaction",
                    replayId);
        } catch (KafkaException e) {
            // The broker aborts the transaction after transaction.timeout.ms, and the next run of the
            // same replay id aborts it at once when it initializes its producer.
            log.warn("Failed to abort the open transaction of replay {}: {}", replayId, e.toString());
        }
        inTransaction = 0;
    }

    private void send(DeadLetterEntry entry) {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedNanos = System.nanoTime();
            if (runToRecord != null) {
                pending.add(producer.send(new ProducerRecord<>(
                        markersTopic,
                        ReplayMarkers.runKey(replayId, deadLetterTopic),
                        Json.bytes(runToRecord.toJson()))));
            }
        }
        Instant now = clock.instant();
        FailedOperation replayed = Replays.replayed(
                entry.envelope(),
                replayId,
                now,
                "replayed from " + deadLetterTopic + " " + entry.id() + " to " + tier.topic() + " by " + user);
        byte[] value = codec.encode(tier.topic(), replayed);
        pending.add(producer.send(new ProducerRecord<>(
                tier.topic(), null, null, entry.key(), value, PipelineHeaders.forEnvelope(replayed))));
        ReplayMarker marker = new ReplayMarker(
                replayId,
                entry.id(),
                replayed.getIdempotencyKey(),
                replayed.getOperationId(),
                replayed.getReplayCount(),
                tier.topic(),
                now,
                user);
        pending.add(producer.send(new ProducerRecord<>(
                markersTopic,
                ReplayMarkers.markerKey(replayId, deadLetterTopic, entry.id()),
                Json.bytes(marker.toJson()))));
        inTransaction++;
    }

    private void commit() {
        if (!open) {
            return;
        }
        producer.flush();
        for (Future<RecordMetadata> send : pending) {
            try {
                send.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof KafkaException kafka ? kafka : new KafkaException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted while waiting for the replayed records to be sent", e);
            }
        }
        producer.commitTransaction();
        open = false;
        pending.clear();
        committed += inTransaction;
        runToRecord = null;
        log.debug("Committed {} replayed records of replay {}; {} in all", inTransaction, replayId, committed);
        inTransaction = 0;
        progress.update(committed);
    }

    private String action() {
        return "write replayed records to " + tier.topic() + " and markers to " + markersTopic;
    }
}
