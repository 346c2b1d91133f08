package io.retryladder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ceiling run's copier, in its own JVM: plain transactional consume-then-produce from one topic
 * to another with read_committed consumers, committing offsets in the transaction every 100 ms (the
 * worker's commit.interval.ms). Each thread owns every n-th partition, so no rebalance interrupts it.
 *
 * <p>{@code CeilingCopierMain BOOTSTRAP SOURCE TARGET GROUP PARTITIONS THREADS RECORDS RESULT_FILE}
 * copies RECORDS records, writes "records elapsedMs" to RESULT_FILE (elapsed from the first record
 * read to the commit of the last one) and then waits for SIGTERM, so the harness can read its CPU
 * time. It gives up after 10 minutes. Exit codes: 0 after SIGTERM, 1 on failure, 2 for invalid
 * arguments.
 */
public final class CeilingCopierMain {

    private static final long COMMIT_INTERVAL_MS = 100;
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

    private CeilingCopierMain() {}

    public static void main(String[] args) throws InterruptedException, IOException {
        if (args.length != 8) {
            System.err.println(
                    "Usage: CeilingCopierMain BOOTSTRAP SOURCE TARGET GROUP PARTITIONS THREADS RECORDS RESULT_FILE");
            System.exit(2);
        }
        int partitions = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        long records = Long.parseLong(args[6]);

        AtomicLong copied = new AtomicLong();
        AtomicLong firstReadNanos = new AtomicLong();
        AtomicLong lastCommitNanos = new AtomicLong();
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            List<TopicPartition> owned = new ArrayList<>();
            for (int partition = i; partition < partitions; partition += threads) {
                owned.add(new TopicPartition(args[1], partition));
            }
            Copier copier = new Copier(args[0], args[2], args[3], i, owned, copied, records, deadline);
            Thread thread = new Thread(() -> copier.run(firstReadNanos, lastCommitNanos), "copier-" + i);
            thread.start();
            workers.add(thread);
        }
        for (Thread thread : workers) {
            thread.join();
        }

        if (copied.get() < records) {
            System.err.println("Copied only " + copied.get() + " of " + records + " records within "
                    + GIVE_UP_AFTER.toMinutes() + " minutes");
            System.exit(1);
        }

        long elapsedMs = (lastCommitNanos.get() - firstReadNanos.get()) / 1_000_000;
        Path result = Path.of(args[7]);
        Path partial = result.resolveSibling(result.getFileName() + ".partial");
        Files.writeString(partial, copied.get() + " " + elapsedMs + "\n");
        Files.move(partial, result, StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(GIVE_UP_AFTER.toMillis());
    }

    /** One consumer-producer pair over a fixed set of partitions. */
    private record Copier(
            String bootstrapServers,
            String target,
            String groupId,
            int number,
            List<TopicPartition> partitions,
            AtomicLong copied,
            long records,
            long deadlineNanos) {

        void run(AtomicLong firstReadNanos, AtomicLong lastCommitNanos) {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer();
                    KafkaProducer<byte[], byte[]> producer = producer()) {
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                producer.initTransactions();
                ConsumerGroupMetadata group = new ConsumerGroupMetadata(groupId);
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                long pending = 0;
                long transactionStartMs = 0;
                while (copied.get() < records && System.nanoTime() < deadlineNanos) {
                    ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(5));
                    if (!batch.isEmpty()) {
                        firstReadNanos.compareAndSet(0, System.nanoTime());
                        if (pending == 0) {
                            producer.beginTransaction();
                            transactionStartMs = System.currentTimeMillis();
                        }
                        for (ConsumerRecord<byte[], byte[]> record : batch) {
                            producer.send(new ProducerRecord<>(
                                    target, record.partition(), record.key(), record.value(), record.headers()));
                            offsets.put(
                                    new TopicPartition(record.topic(), record.partition()),
                                    new OffsetAndMetadata(record.offset() + 1));
                            pending++;
                        }
                    }
                    boolean due = System.currentTimeMillis() - transactionStartMs >= COMMIT_INTERVAL_MS;
                    if (pending > 0 && (due || copied.get() + pending >= records)) {
                        producer.sendOffsetsToTransaction(offsets, group);
                        producer.commitTransaction();
                        lastCommitNanos.accumulateAndGet(System.nanoTime(), Math::max);
                        copied.addAndGet(pending);
                        pending = 0;
                        offsets.clear();
                    }
                }
            }
        }

        private KafkaConsumer<byte[], byte[]> consumer() {
            Map<String, Object> settings = new HashMap<>();
            settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
            return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        private KafkaProducer<byte[], byte[]> producer() {
            Map<String, Object> settings = new HashMap<>();
            settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-" + number);
            settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            return new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
        }
    }
}
