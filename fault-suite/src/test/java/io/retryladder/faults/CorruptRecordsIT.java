package io.retryladder.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.faults.FaultReport.Row;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Corrupt records written straight into the tiers between good operations: random bytes, empty and
 * null values, truncated envelopes, envelopes under another record key or none, and the envelope
 * header followed by garbage. Each must be parked in the dead-letter topic exactly once, raw, while
 * the good operations around it end as usual.
 *
 * <p>Allowed: nothing repeated. A corrupt record is not an operation, so it counts as lost when it is
 * not parked and as duplicated when it is parked twice.
 */
@Order(7)
@ExtendWith({KafkaExtension.class, FaultReport.class})
class CorruptRecordsIT {

    private static final String SCENARIO = "corrupt-records";
    private static final int CORRUPT_PER_HUNDRED = 5;

    private enum Corruption {
        RANDOM_BYTES,
        EMPTY_VALUE,
        NULL_VALUE,
        TRUNCATED_ENVELOPE,
        OTHER_KEY,
        NULL_KEY,
        HEADER_THEN_GARBAGE
    }

    @Test
    void corruptRecordsParkedOnceEach(KafkaCluster kafka) throws Exception {
        long startNanos = System.nanoTime();
        CallLedger ledger = new CallLedger(Scripts::byKey, Duration.ofMinutes(1));
        try (LoopbackDownstream downstream = LoopbackDownstream.start(0, ledger, false);
                FaultPipeline pipeline = new FaultPipeline(SCENARIO, kafka.clientProperties());
                KafkaProducer<byte[], byte[]> raw = rawProducer(kafka.clientProperties())) {
            pipeline.createTopics(Map.of());
            WorkerFleet fleet = pipeline.startWorkers(2, Map.of());
            RetryPublisher publisher = pipeline.publisher(Clock.systemUTC(), Map.of());
            List<Operation> operations = Scripts.keys(SCENARIO, Scripts.operations()).stream()
                    .map(key -> FaultPipeline.operation(downstream.baseUrl() + "/pay", key))
                    .toList();

            Future<List<String>> published =
                    FaultPipeline.publishInBackground(publisher, operations, 25, Duration.ofMillis(100));
            Map<String, Corruption> corrupt = writeCorruptRecords(
                    raw, pipeline, downstream.baseUrl() + "/pay", operations.size() * CORRUPT_PER_HUNDRED / 100);
            List<String> keys = published.get(3, TimeUnit.MINUTES);
            pipeline.awaitEnded(keys, ledger, Duration.ofMinutes(2), Duration.ofSeconds(5));
            fleet.stop(30);

            DeadLetters deadLetters = pipeline.deadLetters();
            Tally tally = Tally.of(keys, ledger, deadLetters, List.of());
            Map<String, Integer> parkedCounts = new HashMap<>();
            deadLetters.parked().forEach(position -> parkedCounts.merge(position, 1, Integer::sum));
            List<String> notParked = new ArrayList<>();
            List<String> parkedTwice = new ArrayList<>();
            corrupt.forEach((position, kind) -> {
                int count = parkedCounts.getOrDefault(position, 0);
                if (count == 0) {
                    notParked.add(position + " (" + kind + ")");
                } else if (count > 1) {
                    parkedTwice.add(position + " (" + kind + ", " + count + " times)");
                }
            });
            List<String> unexpected = parkedCounts.keySet().stream()
                    .filter(position -> !corrupt.containsKey(position))
                    .toList();
            FaultReport.add(new Row(
                    SCENARIO,
                    operations.size(),
                    corrupt.size() + " corrupt records in the tiers",
                    tally.lost().size() + notParked.size(),
                    tally.duplicated().size() + parkedTwice.size(),
                    "0 (<= 0)",
                    String.format(
                            Locale.ROOT,
                            "%d corrupt records parked, %d not parked, %d parked twice, %d parked records that were"
                                    + " not corrupt",
                            corrupt.size() - notParked.size(),
                            notParked.size(),
                            parkedTwice.size(),
                            unexpected.size()),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos)));

            assertThat(keys).as("operations Kafka acknowledged").hasSize(operations.size());
            assertThat(tally.lost())
                    .as("keys with neither an effect nor a dead letter" + tally.examples(5))
                    .isEmpty();
            assertThat(tally.duplicated())
                    .as("keys that ended more than once" + tally.examples(5))
                    .isEmpty();
            assertThat(notParked).as("corrupt records never parked").isEmpty();
            assertThat(parkedTwice).as("corrupt records parked more than once").isEmpty();
            assertThat(unexpected)
                    .as("parked records that were written as good envelopes")
                    .isEmpty();
        }
    }

    /** Writes {@code count} corrupt records spread over the tiers and returns them by position. */
    private static Map<String, Corruption> writeCorruptRecords(
            KafkaProducer<byte[], byte[]> producer, FaultPipeline pipeline, String url, int count) throws Exception {
        Random random = new Random(7);
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        Map<String, Corruption> written = new LinkedHashMap<>();
        Corruption[] kinds = Corruption.values();
        for (int i = 0; i < count; i++) {
            Corruption kind = kinds[i % kinds.length];
            String topic = pipeline.tierTopics()
                    .get(random.nextInt(pipeline.tierTopics().size()));
            String envelopeKey = "corrupt-" + i;
            FailedOperation envelope = TestOperations.http(envelopeKey, url).build();
            byte[] encoded = codec.encode(topic, envelope);
            byte[] key = envelopeKey.getBytes(StandardCharsets.UTF_8);
            byte[] value = switch (kind) {
                case RANDOM_BYTES -> randomBytes(random, 16 + random.nextInt(200));
                case EMPTY_VALUE -> new byte[0];
                case NULL_VALUE -> null;
                case TRUNCATED_ENVELOPE -> Arrays.copyOf(encoded, encoded.length / 2);
                case OTHER_KEY, NULL_KEY -> encoded;
                case HEADER_THEN_GARBAGE -> headerThenGarbage(encoded, random);
            };
            if (kind == Corruption.OTHER_KEY) {
                key = ("other-" + i).getBytes(StandardCharsets.UTF_8);
            } else if (kind == Corruption.NULL_KEY) {
                key = null;
            }
            int partition = random.nextInt(FaultPipeline.PARTITIONS);
            RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, partition, key, value))
                    .get(60, TimeUnit.SECONDS);
            written.put(metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset(), kind);
            WorkerFleet.sleep(80);
        }
        return written;
    }

    /** Keeps the first ten bytes of a valid envelope (format marker and schema fingerprint) and appends noise. */
    private static byte[] headerThenGarbage(byte[] encoded, Random random) {
        byte[] value = Arrays.copyOf(encoded, 10 + 40);
        byte[] noise = randomBytes(random, 40);
        System.arraycopy(noise, 0, value, 10, noise.length);
        return value;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(Map<String, Object> clientProperties) {
        Map<String, Object> settings = new HashMap<>(clientProperties);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
