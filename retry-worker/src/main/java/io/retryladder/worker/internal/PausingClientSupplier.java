package io.retryladder.worker.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Supplies Kafka Streams with its usual clients, with two additions: the main consumers are wrapped in
 * {@link PausableConsumer}, and the producers count their commits in {@link CommittedTransactions}.
 */
public final class PausingClientSupplier implements KafkaClientSupplier {

    private final Set<String> tierTopics;
    private final BooleanSupplier pauseRequested;
    private final Duration maxPollBlock;
    private final CommittedTransactions transactions;
    private final CopyOnWriteArrayList<PausableConsumer> consumers = new CopyOnWriteArrayList<>();

    public PausingClientSupplier(
            Set<String> tierTopics,
            BooleanSupplier pauseRequested,
            Duration maxPollBlock,
            CommittedTransactions transactions) {
        this.tierTopics = tierTopics;
        this.pauseRequested = pauseRequested;
        this.maxPollBlock = maxPollBlock;
        this.transactions = transactions;
    }

    /** Returns the tier partitions held paused over all main consumers. */
    public int heldPartitions() {
        int held = 0;
        for (PausableConsumer consumer : consumers) {
            held += consumer.heldPartitions();
        }
        return held;
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new CommitCountingProducer(config, transactions);
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        PausableConsumer pausable = new PausableConsumer(consumer, tierTopics, pauseRequested, maxPollBlock);
        consumers.add(pausable);
        return pausable;
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** A producer that counts its committed transactions; Kafka Streams commits on the stream thread. */
    private static final class CommitCountingProducer extends KafkaProducer<byte[], byte[]> {

        private final CommittedTransactions transactions;

        CommitCountingProducer(Map<String, Object> config, CommittedTransactions transactions) {
            super(config, new ByteArraySerializer(), new ByteArraySerializer());
            this.transactions = transactions;
        }

        @Override
        public void commitTransaction() {
            super.commitTransaction();
            transactions.committed();
        }
    }
}
