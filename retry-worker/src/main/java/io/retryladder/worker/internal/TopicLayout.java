package io.retryladder.worker.internal;

import java.util.Map;

/**
 * What the worker learned about its topics at start-up.
 *
 * @param tierPartitions the partition count every tier topic shares
 * @param maxMessageBytes each topic's max.message.bytes
 */
public record TopicLayout(int tierPartitions, Map<String, Integer> maxMessageBytes) {

    public int maxMessageBytes(String topic) {
        return maxMessageBytes.getOrDefault(topic, 1_048_588);
    }
}
