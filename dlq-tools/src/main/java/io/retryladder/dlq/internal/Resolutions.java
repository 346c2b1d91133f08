package io.retryladder.dlq.internal;

import io.retryladder.dlq.ToolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolutions of one dead-letter topic, kept in a compacted topic keyed by
 * {@code <dead-letter topic>/<partition>:<offset>}. Resolving writes a record and undoing writes a
 * tombstone; nothing is deleted from the dead-letter topic.
 */
public final class Resolutions {

    private static final Logger log = LoggerFactory.getLogger(Resolutions.class);

    private final String topic;
    private final String deadLetterTopic;
    private final Map<EntryId, Resolution> byEntry;

    private Resolutions(String topic, String deadLetterTopic, Map<EntryId, Resolution> byEntry) {
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        this.byEntry = byEntry;
    }

    /** Returns resolutions that cover no entry, for a topic that does not exist yet. */
    static Resolutions none(String topic, String deadLetterTopic) {
        return new Resolutions(topic, deadLetterTopic, new HashMap<>());
    }

    /** Reads every resolution of {@code deadLetterTopic}; a missing topic contains none. */
    public static Resolutions read(TopicReader reader, String topic, String deadLetterTopic) {
        Map<EntryId, Resolution> byEntry = new HashMap<>();
        String prefix = deadLetterTopic + "/";
        reader.latestOffsets(topic)
                .ifPresent(ends -> reader.read(topic, ends, record -> {
                    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    if (!key.startsWith(prefix)) {
                        return;
                    }
                    EntryId id;
                    try {
                        id = EntryId.parse(key.substring(prefix.length()));
                    } catch (IllegalArgumentException e) {
                        log.warn(
                                "Ignored the record with key {} at {}-{}@{}: {}",
                                key,
                                topic,
                                record.partition(),
                                record.offset(),
                                e.getMessage());
                        return;
                    }
                    if (record.value() == null) {
                        byEntry.remove(id);
                        return;
                    }
                    try {
                        byEntry.put(id, Resolution.fromJson(Json.parse(record.value())));
                    } catch (RuntimeException e) {
                        log.warn(
                                "Ignored the unreadable resolution at {}-{}@{}: {}",
                                topic,
                                record.partition(),
                                record.offset(),
                                e.toString());
                    }
                }));
        return new Resolutions(topic, deadLetterTopic, byEntry);
    }

    /** Returns the resolution that covers {@code entry}, if any. */
    public Optional<Resolution> of(DeadLetterEntry entry) {
        Resolution resolution = byEntry.get(entry.id());
        return resolution != null && resolution.covers(entry) ? Optional.of(resolution) : Optional.empty();
    }

    public boolean isResolved(DeadLetterEntry entry) {
        return of(entry).isPresent();
    }

    /** Writes resolutions, or tombstones for the entries when {@code undo} is true, and waits for them. */
    public void write(KafkaProducer<byte[], byte[]> producer, List<Resolution> resolutions, boolean undo) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try {
            for (Resolution resolution : resolutions) {
                byte[] key = (deadLetterTopic + "/" + resolution.entry()).getBytes(StandardCharsets.UTF_8);
                byte[] value = undo ? null : Json.bytes(resolution.toJson());
                sends.add(producer.send(new ProducerRecord<>(topic, key, value)));
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        } catch (KafkaException | ExecutionException e) {
            throw ToolException.failure(KafkaFailures.describe("write resolutions to " + topic, e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ToolException.failure("Interrupted while writing resolutions to " + topic, e);
        }
        for (Resolution resolution : resolutions) {
            if (undo) {
                byEntry.remove(resolution.entry());
            } else {
                byEntry.put(resolution.entry(), resolution);
            }
        }
    }
}
