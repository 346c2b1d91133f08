package io.retryladder.worker.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * The main consumer of a stream thread, with two additions: while {@code pauseRequested} says so,
 * every assigned tier partition stays paused, including partitions assigned during the pause; and
 * no poll blocks longer than {@code maxPollBlock}.
 *
 * <p>Kafka Streams pauses and resumes partitions itself for flow control. This consumer remembers
 * what Streams asked for and reports exactly that from {@link #paused()}, and it pauses a tier
 * partition whenever either side wants it paused. Records already returned by {@link #poll} are
 * processed as usual, and the position of a paused partition does not move, so nothing is skipped.
 */
public final class PausableConsumer implements Consumer<byte[], byte[]> {

    private final Consumer<byte[], byte[]> delegate;
    private final Set<String> tierTopics;
    private final BooleanSupplier pauseRequested;
    private final Duration maxPollBlock;
    private final Set<TopicPartition> pausedByStreams = new HashSet<>();
    private volatile int heldPartitions;

    public PausableConsumer(
            Consumer<byte[], byte[]> delegate,
            Set<String> tierTopics,
            BooleanSupplier pauseRequested,
            Duration maxPollBlock) {
        this.delegate = delegate;
        this.tierTopics = Set.copyOf(tierTopics);
        this.pauseRequested = pauseRequested;
        this.maxPollBlock = maxPollBlock;
    }

    /** Returns how many tier partitions this consumer holds paused on the worker's request. */
    public int heldPartitions() {
        return heldPartitions;
    }

    /**
     * Polls for at most {@code maxPollBlock}, whatever timeout Kafka Streams asks for: due records
     * are found by wall-clock punctuation between polls, so a long idle poll would start them late.
     */
    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        reconcile();
        return delegate.poll(timeout.compareTo(maxPollBlock) > 0 ? maxPollBlock : timeout);
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        pausedByStreams.addAll(partitions);
        delegate.pause(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        pausedByStreams.removeAll(partitions);
        boolean holding = pauseRequested.getAsBoolean();
        List<TopicPartition> resumable = partitions.stream()
                .filter(partition -> !holding || !tierTopics.contains(partition.topic()))
                .toList();
        delegate.resume(resumable);
    }

    @Override
    public Set<TopicPartition> paused() {
        Set<TopicPartition> paused = new HashSet<>(pausedByStreams);
        paused.retainAll(delegate.assignment());
        return paused;
    }

    private void reconcile() {
        Set<TopicPartition> assignment = delegate.assignment();
        boolean holding = pauseRequested.getAsBoolean();
        Set<TopicPartition> wanted = new HashSet<>();
        for (TopicPartition partition : assignment) {
            if (pausedByStreams.contains(partition) || (holding && tierTopics.contains(partition.topic()))) {
                wanted.add(partition);
            }
        }
        Set<TopicPartition> actual = delegate.paused();
        Set<TopicPartition> toPause = new HashSet<>(wanted);
        toPause.removeAll(actual);
        Set<TopicPartition> toResume = new HashSet<>(actual);
        toResume.removeAll(wanted);
        toResume.retainAll(assignment);
        if (!toPause.isEmpty()) {
            delegate.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            delegate.resume(toResume);
        }
        int heldByUs = 0;
        if (holding) {
            for (TopicPartition partition : assignment) {
                if (tierTopics.contains(partition.topic())) {
                    heldByUs++;
                }
            }
        }
        heldPartitions = heldByUs;
    }

    private ConsumerRebalanceListener wrap(ConsumerRebalanceListener listener) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // The consumer forgets the pause of a revoked partition; so must we, or it stays paused
                // when it comes back.
                pausedByStreams.removeAll(partitions);
                listener.onPartitionsRevoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                listener.onPartitionsAssigned(partitions);
                if (pauseRequested.getAsBoolean()) {
                    List<TopicPartition> tiers = partitions.stream()
                            .filter(partition -> tierTopics.contains(partition.topic()))
                            .toList();
                    if (!tiers.isEmpty()) {
                        delegate.pause(tiers);
                    }
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                pausedByStreams.removeAll(partitions);
                listener.onPartitionsLost(partitions);
            }
        };
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        delegate.subscribe(topics, wrap(listener));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        delegate.subscribe(pattern, wrap(listener));
    }

    @Override
    public void subscribe(SubscriptionPattern pattern, ConsumerRebalanceListener listener) {
        delegate.subscribe(pattern, wrap(listener));
    }

    @Override
    public Set<TopicPartition> assignment() {
        return delegate.assignment();
    }

    @Override
    public Set<String> subscription() {
        return delegate.subscription();
    }

    @Override
    public void subscribe(Collection<String> topics) {
        delegate.subscribe(topics);
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        delegate.assign(partitions);
    }

    @Override
    public void subscribe(Pattern pattern) {
        delegate.subscribe(pattern);
    }

    @Override
    public void subscribe(SubscriptionPattern pattern) {
        delegate.subscribe(pattern);
    }

    @Override
    public void unsubscribe() {
        pausedByStreams.clear();
        delegate.unsubscribe();
    }

    @Override
    public void commitSync() {
        delegate.commitSync();
    }

    @Override
    public void commitSync(Duration timeout) {
        delegate.commitSync(timeout);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        delegate.commitSync(offsets);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        delegate.commitSync(offsets, timeout);
    }

    @Override
    public void commitAsync() {
        delegate.commitAsync();
    }

    @Override
    public void commitAsync(OffsetCommitCallback callback) {
        delegate.commitAsync(callback);
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        delegate.commitAsync(offsets, callback);
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        delegate.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        delegate.unregisterMetricFromSubscription(metric);
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        delegate.seek(partition, offset);
    }

    @Override
    public void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
        delegate.seek(partition, offsetAndMetadata);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        delegate.seekToBeginning(partitions);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        delegate.seekToEnd(partitions);
    }

    @Override
    public long position(TopicPartition partition) {
        return delegate.position(partition);
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        return delegate.position(partition, timeout);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return delegate.committed(partitions);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        return delegate.committed(partitions, timeout);
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return delegate.clientInstanceId(timeout);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return delegate.metrics();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        return delegate.partitionsFor(topic, timeout);
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics() {
        return delegate.listTopics();
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics(Duration timeout) {
        return delegate.listTopics(timeout);
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
        return delegate.offsetsForTimes(timestamps);
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
            Map<TopicPartition, Long> timestamps, Duration timeout) {
        return delegate.offsetsForTimes(timestamps, timeout);
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return delegate.beginningOffsets(partitions);
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return delegate.beginningOffsets(partitions, timeout);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return delegate.endOffsets(partitions);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return delegate.endOffsets(partitions, timeout);
    }

    @Override
    public OptionalLong currentLag(TopicPartition partition) {
        return delegate.currentLag(partition);
    }

    @Override
    public ConsumerGroupMetadata groupMetadata() {
        return delegate.groupMetadata();
    }

    @Override
    public void enforceRebalance() {
        delegate.enforceRebalance();
    }

    @Override
    public void enforceRebalance(String reason) {
        delegate.enforceRebalance(reason);
    }

    @Override
    public void close() {
        heldPartitions = 0;
        delegate.close();
    }

    @Override
    public void close(Duration timeout) {
        heldPartitions = 0;
        delegate.close(timeout);
    }

    @Override
    public void close(CloseOptions options) {
        heldPartitions = 0;
        delegate.close(options);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }
}
