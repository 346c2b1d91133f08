package io.retryladder.dlq;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.DeadLetterInfo;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.ErrorInfo;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HistoryEvent;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.state.OperationState;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One isolated pipeline on the shared test broker: its own tier, dead-letter and state topics, with
 * helpers to write dead letters the way workers write them and to run the command line against it.
 */
final class TestPipeline implements AutoCloseable {

    static final int DEAD_LETTER_PARTITIONS = 2;
    static final int TIER_PARTITIONS = 3;

    final KafkaCluster kafka;
    final String prefix;
    final String applicationId;
    final Map<String, String> environment = new HashMap<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private EnvelopeCodec codec = EnvelopeCodec.singleObject();

    TestPipeline(KafkaCluster kafka) {
        this.kafka = kafka;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.prefix = "d" + id + "-";
        this.applicationId = "worker-" + id;
        environment.put("DLQ_TOOLS_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.put("DLQ_TOOLS_RETRY_TOPIC_PREFIX", prefix);
        environment.put("DLQ_TOOLS_RETRY_DEAD_LETTER_TOPIC", deadLetterTopic());
        environment.put("DLQ_TOOLS_APPLICATION_ID", applicationId);
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Creates the tier topics of the default ladder, the dead-letter topic and the workers' state topic. */
    TestPipeline createTopics() {
        for (String tier : List.of("1s", "4s", "16s")) {
            Topics.create(kafka.admin(), prefix + tier, TIER_PARTITIONS);
        }
        Topics.create(kafka.admin(), deadLetterTopic(), DEAD_LETTER_PARTITIONS);
        Topics.create(kafka.admin(), changelogTopic(), TIER_PARTITIONS, Map.of("cleanup.policy", "compact"));
        return this;
    }

    TestPipeline withCodec(EnvelopeCodec codec) {
        this.codec = codec;
        return this;
    }

    TestPipeline with(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    String deadLetterTopic() {
        return prefix + "dlq";
    }

    String firstTier() {
        return prefix + "1s";
    }

    String markersTopic() {
        return deadLetterTopic() + "-replays";
    }

    String changelogTopic() {
        return applicationId + "-operations-changelog";
    }

    ToolContext context() {
        return new ToolContext(environment, Clock.systemUTC(), Terminal.none(), new StopSignal());
    }

    CliRun run(String... args) {
        return CliRun.run(context(), args);
    }

    /** Returns an HTTP dead letter after four failed attempts, as a worker writes it. */
    static FailedOperation.Builder httpDeadLetter(String key) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return TestOperations.http(key, "http://payments.example.com/charges")
                .setAttempt(4)
                .setTotalAttempts(4)
                .setLastFailureAt(at)
                .setDueAt(at)
                .setDeadLetter(new DeadLetterInfo(DeadLetterReason.ATTEMPTS_EXHAUSTED, at, "worker-1"))
                .setHistory(new ArrayList<>(
                        List.of(history(at.minusSeconds(5), 1, "HTTP 503"), history(at, 4, "HTTP 503 again"))));
    }

    /** Returns a custom-operation dead letter whose payload may be null or empty. */
    static FailedOperation.Builder customDeadLetter(String key, byte[] payload) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return TestOperations.custom(key, "ledger", payload)
                .setAttempt(2)
                .setTotalAttempts(2)
                .setLastError(new ErrorInfo(ErrorKind.HANDLER_ERROR, "ledger unavailable", null, false))
                .setLastFailureAt(at)
                .setDueAt(at)
                .setDeadLetter(new DeadLetterInfo(DeadLetterReason.NON_RETRYABLE, at, "worker-2"));
    }

    private static HistoryEntry history(Instant at, int attempt, String message) {
        return HistoryEntry.newBuilder()
                .setAt(at)
                .setEvent(HistoryEvent.ATTEMPT_FAILED)
                .setAttempt(attempt)
                .setErrorKind(ErrorKind.HTTP_STATUS)
                .setHttpStatus(503)
                .setMessage(message)
                .setReplayId(null)
                .build();
    }

    /** Writes a dead letter keyed and partitioned by its idempotency key, with the pipeline headers. */
    RecordMetadata write(FailedOperation deadLetter) {
        byte[] key = deadLetter.getIdempotencyKey().getBytes(StandardCharsets.UTF_8);
        return writeRaw(key, codec.encode(deadLetterTopic(), deadLetter), PipelineHeaders.forEnvelope(deadLetter));
    }

    RecordMetadata writeRaw(byte[] key, byte[] value, Headers headers) {
        return send(new ProducerRecord<>(deadLetterTopic(), null, null, key, value, headers));
    }

    /** Writes the workers' state of a key to their changelog topic, as Kafka Streams does. */
    void writeState(String key, OperationState state) {
        send(new ProducerRecord<>(changelogTopic(), key.getBytes(StandardCharsets.UTF_8), state.serialize()));
    }

    static OperationState state(OperationState.Status status, FailedOperation operation, int replayCount) {
        return new OperationState(
                status, operation.getOperationId(), new byte[] {1}, operation.getAttempt(), replayCount, 1, 0, null);
    }

    List<ConsumerRecord<byte[], byte[]>> read(String topic) {
        return readCommitted(kafka.clientProperties(), topic);
    }

    /**
     * Reads every committed record of {@code topic} up to its last record at the time of the call.
     * Unlike a read up to the committed-only end offsets, it waits for transactions that are still
     * being completed, so it returns the records of every transaction committed
     * before the call.
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(Map<String, Object> clientProperties, String topic) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<byte[], byte[]> offsets =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = offsets.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            ends = offsets.endOffsets(partitions, Duration.ofSeconds(30));
        }
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading " + topic + " did not reach " + ends + " within 30 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    List<FailedOperation> decodeAll(String topic) throws Exception {
        List<FailedOperation> envelopes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read(topic)) {
            envelopes.add(codec.decode(record.value()));
        }
        return envelopes;
    }

    boolean topicExists(String topic) throws Exception {
        return kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
    }

    private RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Failed to write a test record to " + record.topic(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
