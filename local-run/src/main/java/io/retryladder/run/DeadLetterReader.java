package io.retryladder.run;

import io.retryladder.envelope.PipelineHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the dead-letter topic with {@code isolation.level=read_committed}, from its end at the
 * start of the run, and collects the dead-lettered keys that start with the run's key prefix with
 * the reason of their first dead letter. Records of other runs, and records the workers wrote in
 * transactions that aborted, are never counted.
 */
final class DeadLetterReader implements AutoCloseable {

    /** Reason recorded for a record that carries neither a dead-letter nor a parked reason header. */
    static final String UNKNOWN_REASON = "UNKNOWN";
    /** Reason recorded for a raw record a worker parked because it could not read it. */
    static final String PARKED_REASON = "PARKED";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReader.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String keyPrefix;
    private final Map<String, String> reasonsByKey = new ConcurrentHashMap<>();
    private final AtomicLong records = new AtomicLong();
    private final Thread poller;
    private volatile long caughtUpAtNanos;
    private volatile RuntimeException failure;
    private volatile boolean closed;

    DeadLetterReader(Map<String, Object> clientSettings, String topic, String keyPrefix) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "local-run-dead-letter-reader");
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.keyPrefix = keyPrefix;
        List<TopicPartition> partitions = consumer.partitionsFor(topic, REQUEST_TIMEOUT).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(partition -> consumer.position(partition, REQUEST_TIMEOUT));
        this.poller = new Thread(this::pollUntilClosed, "dead-letter-reader");
        poller.setDaemon(true);
        poller.start();
    }

    /** Returns the reason of the first dead letter of each key of the run read so far. */
    Map<String, String> reasonsByKey() {
        throwIfFailed();
        return Map.copyOf(reasonsByKey);
    }

    /** Returns the number of dead-letter records of the run read so far; above the key count when a key repeats. */
    long records() {
        return records.get();
    }

    /**
     * Waits until the reader has read every record committed before this call.
     *
     * @return false when it did not within {@code timeout}
     */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long startNanos = System.nanoTime();
        long deadline = startNanos + timeout.toNanos();
        while (caughtUpAtNanos - startNanos < 0) {
            throwIfFailed();
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            poller.join(REQUEST_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pollUntilClosed() {
        try {
            while (!closed) {
                long pollStartNanos = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    collect(record);
                }
                if (reachedEnd()) {
                    caughtUpAtNanos = pollStartNanos;
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                failure = new IllegalStateException("The dead-letter reader of " + topic + " was woken up", e);
            }
        } catch (RuntimeException e) {
            log.error("The dead-letter reader of {} failed; the accounting cannot be completed", topic, e);
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean reachedEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), REQUEST_TIMEOUT);
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey(), REQUEST_TIMEOUT) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void collect(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (!key.startsWith(keyPrefix)) {
            return;
        }
        records.incrementAndGet();
        reasonsByKey.putIfAbsent(key, reason(record));
    }

    private static String reason(ConsumerRecord<byte[], byte[]> record) {
        String reason = PipelineHeaders.lastText(record.headers(), PipelineHeaders.DEAD_LETTER_REASON);
        if (reason != null) {
            return reason;
        }
        return PipelineHeaders.lastText(record.headers(), PipelineHeaders.PARKED_REASON) != null
                ? PARKED_REASON
                : UNKNOWN_REASON;
    }

    private void throwIfFailed() {
        RuntimeException error = failure;
        if (error != null) {
            throw new IllegalStateException("Reading the dead-letter topic " + topic + " failed: " + error, error);
        }
    }
}
