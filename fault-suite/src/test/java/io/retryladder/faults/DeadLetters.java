package io.retryladder.faults;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.codec.UndecodableEnvelopeException;
import io.retryladder.testing.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a read_committed reader finds in the dead-letter topic: envelopes counted by idempotency key,
 * and parked records (unreadable input that a worker moved there raw) by their source position.
 */
record DeadLetters(Map<String, Integer> countsByKey, Map<String, FailedOperation> lastByKey, List<String> parked) {

    static DeadLetters read(Map<String, Object> clientProperties, String topic) {
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        Map<String, Integer> counts = new HashMap<>();
        Map<String, FailedOperation> last = new HashMap<>();
        List<String> parked = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : Topics.readAll(clientProperties, topic, Duration.ofSeconds(60))) {
            String parkedReason = PipelineHeaders.lastText(record.headers(), PipelineHeaders.PARKED_REASON);
            if (parkedReason != null) {
                parked.add(sourcePosition(record));
                continue;
            }
            try {
                FailedOperation envelope = codec.decode(record.value());
                counts.merge(envelope.getIdempotencyKey(), 1, Integer::sum);
                last.put(envelope.getIdempotencyKey(), envelope);
            } catch (UndecodableEnvelopeException e) {
                parked.add("undecodable dead letter at " + record.partition() + ":" + record.offset());
            }
        }
        return new DeadLetters(Map.copyOf(counts), Map.copyOf(last), List.copyOf(parked));
    }

    /** Returns {@code topic-partition@offset} of the tier record a parked record came from. */
    static String sourcePosition(ConsumerRecord<byte[], byte[]> record) {
        return PipelineHeaders.lastText(record.headers(), PipelineHeaders.SOURCE_TOPIC)
                + "-" + PipelineHeaders.lastText(record.headers(), PipelineHeaders.SOURCE_PARTITION)
                + "@" + PipelineHeaders.lastText(record.headers(), PipelineHeaders.SOURCE_OFFSET);
    }

    int count(String key) {
        return countsByKey.getOrDefault(key, 0);
    }
}
