package io.retryladder.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every record of every topic on the broker, internal topics and records of aborted
 * transactions included (read_uncommitted), and finds where given byte strings occur in keys, values,
 * header names or header values.
 *
 * @param topics the topics read
 * @param records the records read
 * @param hits for each needle found, the places it was found as {@code topic-partition@offset part}
 */
record TopicScan(Set<String> topics, long records, Map<String, List<String>> hits) {

    static TopicScan of(Map<String, Object> adminProperties, Map<String, String> needles) throws Exception {
        Set<String> topics;
        try (Admin admin = Admin.create(adminProperties)) {
            topics = new TreeSet<>(admin.listTopics(new ListTopicsOptions().listInternal(true))
                    .names()
                    .get(30, TimeUnit.SECONDS));
        }
        Map<String, List<String>> hits = new LinkedHashMap<>();
        long records = 0;
        Map<String, Object> settings = new HashMap<>(adminProperties);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (String topic : topics) {
                for (ConsumerRecord<byte[], byte[]> record : readAll(consumer, topic)) {
                    records++;
                    search(record, needles, hits);
                }
            }
        }
        return new TopicScan(topics, records, hits);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Reading " + topic + " did not reach " + end + " within 60 s");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static void search(
            ConsumerRecord<byte[], byte[]> record, Map<String, String> needles, Map<String, List<String>> hits) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        needles.forEach((name, needle) -> {
            byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
            if (contains(record.key(), bytes)) {
                hits.computeIfAbsent(name, key -> new ArrayList<>()).add(where + " key");
            }
            if (contains(record.value(), bytes)) {
                hits.computeIfAbsent(name, key -> new ArrayList<>()).add(where + " value");
            }
            for (Header header : record.headers()) {
                if (contains(header.key().getBytes(StandardCharsets.UTF_8), bytes) || contains(header.value(), bytes)) {
                    hits.computeIfAbsent(name, key -> new ArrayList<>()).add(where + " header " + header.key());
                }
            }
        });
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null || needle.length == 0 || haystack.length < needle.length) {
            return false;
        }
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
