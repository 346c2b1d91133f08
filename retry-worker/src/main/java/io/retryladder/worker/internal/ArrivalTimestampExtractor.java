package io.retryladder.worker.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Gives each tier record the time its delay starts from: the broker's append time when every tier
 * topic uses LogAppendTime, and the time the worker reads the record otherwise. Either way the
 * timestamp comes from a clock the operators run, never from a publisher's, so a publisher whose
 * clock is off cannot make a record due early.
 *
 * <p>Kafka Streams hands extractors records whose timestamp type always reads CREATE_TIME, so the
 * topic configuration, read at start-up, decides which clock the timestamp came from.
 */
public final class ArrivalTimestampExtractor implements TimestampExtractor {

    private final boolean logAppendTime;

    public ArrivalTimestampExtractor(boolean logAppendTime) {
        this.logAppendTime = logAppendTime;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long now = System.currentTimeMillis();
        if (logAppendTime && record.timestamp() >= 0) {
            return Math.min(record.timestamp(), now);
        }
        return now;
    }
}
