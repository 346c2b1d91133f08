package io.retryladder.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a dead-letter topic from the beginning (read_committed) on its own thread and reports each
 * record's key to the trial's recorder, with the record's timestamp as the time it was written.
 * The harness creates dead-letter topics with LogAppendTime, so that timestamp is the broker's.
 */
public final class DeadLetterWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterWatcher.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean stopped;

    public DeadLetterWatcher(String bootstrapServers, String topic, int partitions, TrialRecorder recorder) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assignment = new java.util.ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            assignment.add(new TopicPartition(topic, partition));
        }
        consumer.assign(assignment);
        consumer.seekToBeginning(assignment);
        this.thread = new Thread(() -> run(recorder, topic), "dead-letter-watcher-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(TrialRecorder recorder, String topic) {
        long foreign = 0;
        try {
            while (!stopped) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                    if (!recorder.onDeadLetter(key, record.timestamp())) {
                        foreign++;
                    }
                }
            }
        } catch (WakeupException e) {
            if (!stopped) {
                throw e;
            }
        } finally {
            consumer.close();
            if (foreign > 0) {
                log.warn("{} records in {} had keys of no operation of trial {}", foreign, topic, recorder.trialId());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
