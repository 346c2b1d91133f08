package io.retryladder.worker;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/** Writes hand-made records straight into tier topics, for tests that need exact placement. */
final class TierWriter implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final EnvelopeCodec codec = EnvelopeCodec.singleObject();

    TierWriter(Map<String, Object> clientProperties) {
        Map<String, Object> settings = new java.util.HashMap<>(clientProperties);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Writes an envelope keyed by its idempotency key, with the usual headers. */
    void write(String topic, FailedOperation operation) throws Exception {
        byte[] key = operation.getIdempotencyKey().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(
                        topic, null, key, codec.encode(topic, operation), PipelineHeaders.forEnvelope(operation)))
                .get(30, TimeUnit.SECONDS);
    }

    /** Writes raw bytes to one partition. */
    void writeRaw(String topic, int partition, byte[] key, byte[] value, Headers headers) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, key, value, headers))
                .get(30, TimeUnit.SECONDS);
    }

    /** Returns {@code count} keys with the given prefix that the default partitioner puts in {@code partition}. */
    static List<String> keysInPartition(String prefix, int partition, int partitions, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            String key = prefix + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
                keys.add(key);
            }
        }
        return keys;
    }

    @Override
    public void close() {
        producer.close();
    }
}
