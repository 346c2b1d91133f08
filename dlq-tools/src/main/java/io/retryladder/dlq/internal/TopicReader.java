package io.retryladder.dlq.internal;

import io.retryladder.dlq.ToolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads topics from their beginning up to fixed end offsets with a consumer that reads committed
 * records only. Reading up to offsets taken beforehand, rather than "until nothing arrives", keeps a
 * read finite while others keep writing.
 */
public final class TopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaClients clients;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;
    private KafkaConsumer<byte[], byte[]> latestOffsetsConsumer;

    public TopicReader(KafkaClients clients, String purpose) {
        this.clients = clients;
        this.consumer = clients.consumer(purpose);
        this.timeout = clients.timeout();
    }

    /**
     * Returns the end offset of each partition of {@code topic} for a committed-only reader, which is
     * the offset of the first record of the first open transaction, or empty when the topic does not
     * exist. Records of transactions still open are left out.
     */
    public Optional<Map<Integer, Long>> endOffsets(String topic) {
        return endOffsets(consumer, topic);
    }

    /**
     * Returns the offset after the last record of each partition of {@code topic}, open transactions
     * included, or empty when the topic does not exist. Reading up to these offsets waits until every
     * transaction open now has ended, so it returns the records of every transaction committed before the call.
     */
    public Optional<Map<Integer, Long>> latestOffsets(String topic) {
        if (latestOffsetsConsumer == null) {
            latestOffsetsConsumer = clients.consumer("offsets", IsolationLevel.READ_UNCOMMITTED);
        }
        return endOffsets(latestOffsetsConsumer, topic);
    }

    private Optional<Map<Integer, Long>> endOffsets(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> partitions;
        try {
            partitions = consumer.partitionsFor(topic, timeout);
        } catch (KafkaException e) {
            throw ToolException.failure(KafkaFailures.describe("read the partitions of topic " + topic, e), e);
        }
        if (partitions == null || partitions.isEmpty()) {
            return Optional.empty();
        }
        List<TopicPartition> topicPartitions = partitions.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        Map<Integer, Long> ends = new HashMap<>();
        try {
            consumer.endOffsets(topicPartitions, timeout)
                    .forEach((partition, offset) -> ends.put(partition.partition(), offset));
        } catch (KafkaException e) {
            throw ToolException.failure(KafkaFailures.describe("read the end offsets of topic " + topic, e), e);
        }
        return Optional.of(ends);
    }

    /** Returns the end offsets of a topic that must exist, or fails with {@code missingAdvice}. */
    public Map<Integer, Long> requireEndOffsets(String topic, String missingAdvice) {
        return endOffsets(topic)
                .orElseThrow(() -> ToolException.failure("Topic " + topic + " does not exist; " + missingAdvice, null));
    }

    /** Passes every committed record of {@code topic} below {@code ends} to {@code sink}, partition by partition. */
    public void read(String topic, Map<Integer, Long> ends, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        read(topic, Map.of(), ends, sink);
    }

    /**
     * Passes the committed records of {@code topic} from {@code starts} (the beginning for partitions
     * it leaves out) up to {@code ends} to {@code sink}, partition by partition.
     */
    public void read(
            String topic,
            Map<Integer, Long> starts,
            Map<Integer, Long> ends,
            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<Integer> partitions = new ArrayList<>(ends.keySet());
        partitions.sort(null);
        for (int partition : partitions) {
            long end = ends.get(partition);
            TopicPartition topicPartition = new TopicPartition(topic, partition);
            try {
                consumer.assign(List.of(topicPartition));
                Long start = starts.get(partition);
                if (start == null) {
                    consumer.seekToBeginning(List.of(topicPartition));
                } else {
                    consumer.seek(topicPartition, start);
                }
                readPartition(topicPartition, end, sink);
            } catch (KafkaException e) {
                throw ToolException.failure(KafkaFailures.describe("read topic " + topic, e), e);
            }
        }
        consumer.assign(List.of());
    }

    /**
     * Returns the committed record at {@code offset} of a partition, or empty when there is none: the
     * offset lies at or past {@code end}, retention removed it, or it belonged to an aborted
     * transaction.
     */
    public Optional<ConsumerRecord<byte[], byte[]>> readAt(String topic, int partition, long offset, long end) {
        if (offset >= end) {
            return Optional.empty();
        }
        TopicPartition topicPartition = new TopicPartition(topic, partition);
        try {
            consumer.assign(List.of(topicPartition));
            consumer.seek(topicPartition, offset);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(topicPartition, timeout) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() == offset) {
                        return Optional.of(record);
                    }
                    if (record.offset() > offset) {
                        return Optional.empty();
                    }
                }
                failIfPast(deadline, topicPartition, end);
            }
            return Optional.empty();
        } catch (KafkaException e) {
            throw ToolException.failure(KafkaFailures.describe("read topic " + topic, e), e);
        } finally {
            consumer.assign(List.of());
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        if (latestOffsetsConsumer != null) {
            latestOffsetsConsumer.close(Duration.ofSeconds(5));
        }
    }

    private void readPartition(TopicPartition partition, long end, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long position = consumer.position(partition, timeout);
        while (position < end) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < end) {
                    sink.accept(record);
                }
            }
            long newPosition = consumer.position(partition, timeout);
            if (newPosition > position) {
                position = newPosition;
                deadline = System.nanoTime() + timeout.toNanos();
            } else {
                failIfPast(deadline, partition, end);
            }
        }
    }

    private void failIfPast(long deadline, TopicPartition partition, long end) {
        if (System.nanoTime() > deadline) {
            throw ToolException.failure(
                    "Reading " + partition + " made no progress towards offset " + end + " for " + timeout.toSeconds()
                            + " s; check that the brokers are reachable. An open transaction also holds readers back"
                            + " until it ends or the broker aborts it after its transaction.timeout.ms; raise"
                            + " dlq.request.timeout.ms to wait longer",
                    null);
        }
    }
}
