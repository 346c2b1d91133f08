package io.retryladder.worker.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Gives each tier record the time the broker appended it when the topic uses LogAppendTime, and the
 * time the worker read it otherwise. Either way the timestamp comes from a clock the operators run,
 * never from a publisher's, so a publisher whose clock is off cannot make a record due early.
 */
public final class ArrivalTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.timestampType() == TimestampType.LOG_APPEND_TIME && record.timestamp() >= 0) {
            return record.timestamp();
        }
        return System.currentTimeMillis();
    }
}
