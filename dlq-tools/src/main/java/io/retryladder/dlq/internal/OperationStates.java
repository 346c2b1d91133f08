package io.retryladder.dlq.internal;

import io.retryladder.envelope.state.OperationState;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' current state of some idempotency keys, read from the changelog topic of their
 * operations store. The changelog is compacted and keyed by the idempotency key; a tombstone means
 * the workers forgot the key after its retention.
 */
public final class OperationStates {

    private static final Logger log = LoggerFactory.getLogger(OperationStates.class);

    private OperationStates() {}

    /**
     * Reads the changelog to its end, waiting for the workers' open transactions to end, and returns
     * the latest state of each of {@code keys} that the workers still remember, or empty when the
     * changelog topic does not exist.
     */
    public static Optional<Map<String, OperationState>> read(TopicReader reader, String topic, Set<String> keys) {
        Optional<Map<Integer, Long>> ends = reader.latestOffsets(topic);
        if (ends.isEmpty()) {
            return Optional.empty();
        }
        Map<String, OperationState> states = new HashMap<>();
        reader.read(topic, ends.get(), record -> {
            if (record.key() == null) {
                return;
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (!keys.contains(key)) {
                return;
            }
            if (record.value() == null) {
                states.remove(key);
                return;
            }
            try {
                states.put(key, OperationState.deserialize(record.value()));
            } catch (IllegalArgumentException e) {
                log.warn(
                        "Ignored the unreadable state of key {} at {}-{}@{}: {}",
                        key,
                        topic,
                        record.partition(),
                        record.offset(),
                        e.getMessage());
                states.remove(key);
            }
        });
        return Optional.of(states);
    }
}
