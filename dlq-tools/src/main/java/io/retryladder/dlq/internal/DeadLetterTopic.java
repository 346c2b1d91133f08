package io.retryladder.dlq.internal;

import io.retryladder.dlq.ToolException;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.registry.SchemaRegistryException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads and decodes the dead letters of one dead-letter topic. */
public final class DeadLetterTopic {

    private final TopicReader reader;
    private final String topic;
    private final EnvelopeCodec codec;

    public DeadLetterTopic(TopicReader reader, String topic, EnvelopeCodec codec) {
        this.reader = reader;
        this.topic = topic;
        this.codec = codec;
    }

    public String name() {
        return topic;
    }

    /** Returns the codec that decodes the entries, which also writes the pipeline's wire format. */
    public EnvelopeCodec codec() {
        return codec;
    }

    /** Returns the current end offset of each partition; entries written later lie at or past them. */
    public Map<Integer, Long> endOffsets() {
        return reader.requireEndOffsets(
                topic, "check --dead-letter-topic (retry.dead.letter.topic) and --bootstrap-server");
    }

    /** Passes each dead letter below {@code ends} to {@code sink}, in partition and offset order. */
    public void scan(Map<Integer, Long> ends, Consumer<DeadLetterEntry> sink) {
        reader.read(topic, ends, record -> sink.accept(decode(record)));
    }

    /** Passes each dead letter from {@code starts} (the beginning where absent) below {@code ends} to {@code sink}. */
    public void scan(Map<Integer, Long> starts, Map<Integer, Long> ends, Consumer<DeadLetterEntry> sink) {
        reader.read(topic, starts, ends, record -> sink.accept(decode(record)));
    }

    /** Returns the dead letter with this id, or empty when there is none below {@code ends}. */
    public Optional<DeadLetterEntry> read(EntryId id, Map<Integer, Long> ends) {
        Long end = ends.get(id.partition());
        if (end == null) {
            return Optional.empty();
        }
        return reader.readAt(topic, id.partition(), id.offset(), end).map(this::decode);
    }

    private DeadLetterEntry decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return DeadLetterEntry.decode(record, codec);
        } catch (SchemaRegistryException e) {
            throw ToolException.failure(
                    "Failed to decode the dead letter " + record.partition() + ":" + record.offset()
                            + " because the schema registry failed: " + e.getMessage(),
                    e);
        }
    }
}
