package io.retryladder.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PausableConsumerTest {

    private static final TopicPartition TIER = new TopicPartition("retry-1s", 0);
    private static final TopicPartition OTHER = new TopicPartition("app-changelog", 0);

    private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
    private final AtomicBoolean pauseRequested = new AtomicBoolean();
    private final PausableConsumer consumer =
            new PausableConsumer(mock, Set.of("retry-1s"), pauseRequested::get, Duration.ofMillis(5));

    @Test
    void requestedPauseHoldsTierPartitionsOnly() {
        assign(List.of(TIER, OTHER));
        pauseRequested.set(true);

        consumer.poll(Duration.ZERO);

        assertThat(mock.paused()).containsExactly(TIER);
        assertThat(consumer.paused()).as("what Kafka Streams paused").isEmpty();
        assertThat(consumer.heldPartitions()).isEqualTo(1);
    }

    @Test
    void streamsResumeDoesNotLiftRequestedPause() {
        assign(List.of(TIER));
        consumer.pause(List.of(TIER));
        pauseRequested.set(true);

        consumer.resume(List.of(TIER));
        consumer.poll(Duration.ZERO);

        assertThat(mock.paused()).containsExactly(TIER);
        pauseRequested.set(false);
        consumer.poll(Duration.ZERO);
        assertThat(mock.paused()).isEmpty();
    }

    @Test
    void streamsPauseKeptAfterRequestedPauseLifts() {
        assign(List.of(TIER));
        consumer.pause(List.of(TIER));
        pauseRequested.set(true);
        consumer.poll(Duration.ZERO);

        pauseRequested.set(false);
        consumer.poll(Duration.ZERO);

        assertThat(mock.paused()).containsExactly(TIER);
    }

    @Test
    void revokedAndReassignedPartitionNotLeftPaused() {
        Listener listener = new Listener();
        consumer.subscribe(List.of("retry-1s"), listener);
        mock.updateBeginningOffsets(Map.of(TIER, 0L));
        mock.rebalance(List.of(TIER));
        consumer.pause(List.of(TIER));

        mock.rebalance(List.of());
        mock.rebalance(List.of(TIER));
        consumer.poll(Duration.ZERO);

        assertThat(mock.paused()).isEmpty();
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void partitionAssignedDuringPauseStartsPaused() {
        pauseRequested.set(true);
        consumer.subscribe(List.of("retry-1s"), new Listener());

        mock.rebalance(List.of(TIER));

        assertThat(mock.paused()).containsExactly(TIER);
    }

    private void assign(List<TopicPartition> partitions) {
        consumer.assign(partitions);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        partitions.forEach(partition -> offsets.put(partition, 0L));
        mock.updateBeginningOffsets(offsets);
    }

    private static final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
    }
}
