package io.retryladder.worker.internal;

import java.util.Map;

/**
 * What the worker learned about its topics at start-up.
 *
 * @param tierPartitions the partition count every tier topic shares
 * @param maxMessageBytes each topic's max.message.bytes
 * @param logAppendTime whether every tier topic stamps records with the broker's append time
 */
public record TopicLayout(int tierPartitions, Map<String, Integer> maxMessageBytes, boolean logAppendTime) {

    public int maxMessageBytes(String topic) {
        return maxMessageBytes.getOrDefault(topic, 1_048_588);
    }
}
