package io.retryladder.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.avro.CallerHeader;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpHeader;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.codec.WireFormat;
import io.retryladder.local.FreePorts;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.testing.SchemaRegistryExtension;
import io.retryladder.testing.SchemaRegistryExtension.SchemaRegistry;
import io.retryladder.testing.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({KafkaExtension.class, SchemaRegistryExtension.class})
class RetryPublisherIT {

    private static final String SECRET_TOKEN = "Bearer s3cr3t-t0ken-never-in-kafka";
    private static final String SECRET_COOKIE = "session=c00kie-never-in-kafka";

    @Test
    void tenThousandOperationsArriveIntact(KafkaCluster kafka) throws Exception {
        String prefix = createLadder(kafka, 6, Map.of());
        List<Operation> operations = new ArrayList<>();
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        Instant before = Instant.now().minusMillis(1);
        try (RetryPublisher publisher = publisher(
                kafka, prefix, Map.of(RetryPublisherConfig.SECRET_HEADER_REFERENCES, "Authorization=payments-token"))) {
            for (int i = 0; i < 10_000; i++) {
                Operation operation = Operation.http("POST", "http://127.0.0.1:9/charges/" + i)
                        .idempotencyKey("order-" + i)
                        .header("Content-Type", "application/json")
                        .header("Authorization", SECRET_TOKEN)
                        .header("Cookie", SECRET_COOKIE)
                        .body("{\"order\":" + i + "}")
                        .callerHeader("trace", new byte[] {(byte) 0xC3, (byte) 0x28, (byte) i})
                        .callerHeader("nothing", null)
                        .callerHeader("empty", new byte[0])
                        .callerHeader("dup", "first".getBytes(StandardCharsets.UTF_8))
                        .callerHeader("dup", "second".getBytes(StandardCharsets.UTF_8))
                        .callerHeader("Authorization", SECRET_TOKEN.getBytes(StandardCharsets.UTF_8))
                        .origin("orders", i % 12, 1000L + i)
                        .build();
                operations.add(operation);
                results.add(publisher.publish(operation, Failure.httpStatus(503, "HTTP 503", null)));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        Instant after = Instant.now();

        List<ConsumerRecord<byte[], byte[]>> records =
                Topics.readAll(kafka.clientProperties(), prefix + "1s", Duration.ofSeconds(120));
        assertThat(records).hasSize(10_000);

        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            keys.add(key);
            int index = Integer.parseInt(key.substring("order-".length()));
            FailedOperation envelope = codec.decode(record.value());

            assertThat(envelope.getIdempotencyKey()).isEqualTo(key);
            assertThat(envelope.getAttempt()).isEqualTo(1);
            assertThat(envelope.getMaxAttempts()).isEqualTo(4);
            assertThat(envelope.getOrigin().getService()).isEqualTo("checkout");
            assertThat(envelope.getOrigin().getPartition()).isEqualTo(index % 12);
            assertThat(envelope.getOrigin().getOffset()).isEqualTo(1000L + index);
            assertThat(envelope.getLastError().getHttpStatus()).isEqualTo(503);

            Duration delay = Duration.between(envelope.getLastFailureAt(), envelope.getDueAt());
            assertThat(delay)
                    .as("equal jitter of the 1 s tier")
                    .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(envelope.getLastFailureAt()).isBetween(before, after);

            assertCallerHeaders(envelope.getCallerHeaders(), index);
            assertKafkaHeaders(record, index);
            HttpRequest request = (HttpRequest) envelope.getRequest();
            assertThat(request.getHeaders())
                    .extracting(HttpHeader::getName)
                    .containsExactly("Content-Type", "Authorization");
            assertThat(request.getHeaders().get(1).getValue()).isNull();
            assertThat(request.getHeaders().get(1).getSecretRef()).isEqualTo("payments-token");
            assertThat(StandardCharsets.UTF_8.decode(request.getBody()).toString())
                    .isEqualTo("{\"order\":" + index + "}");

            assertNoSecret(record);
        }
        assertThat(keys).hasSize(10_000);
    }

    @Test
    void retryableResponsePublishedWithRetryAfter(KafkaCluster kafka) throws Exception {
        String prefix = createLadder(kafka, 1, Map.of());
        try (LoopbackDownstream downstream =
                        LoopbackDownstream.start(call -> Response.status(503).withHeader("Retry-After", "3"));
                RetryPublisher publisher = publisher(kafka, prefix, Map.of())) {
            Instant before = Instant.now();
            CallResult result = publisher.call(operation(downstream, "ra-1")).get(30, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(CallResult.Outcome.PUBLISHED);
            assertThat(result.response().statusCode()).isEqualTo(503);
            assertThat(result.published().dueAt())
                    .isAfterOrEqualTo(before.plusSeconds(3).minusMillis(5));
            assertThat(downstream.calls()).hasSize(1);
            assertThat(downstream.calls().get(0).idempotencyKey()).isEqualTo("ra-1");
            assertThat(downstream.calls().get(0).header("Authorization"))
                    .as("the first call carries the real secret")
                    .isEqualTo(SECRET_TOKEN);
        }
        assertThat(Topics.readAll(kafka.clientProperties(), prefix + "1s", Duration.ofSeconds(30)))
                .hasSize(1);
    }

    @Test
    void nonRetryableResponseFailsFast(KafkaCluster kafka) throws Exception {
        String prefix = createLadder(kafka, 1, Map.of());
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.status(404));
                RetryPublisher publisher = publisher(kafka, prefix, Map.of())) {
            CallResult result = publisher.call(operation(downstream, "nr-1")).get(30, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(CallResult.Outcome.NOT_RETRYABLE);
            assertThat(result.failure().httpStatus()).isEqualTo(404);
            assertThat(result.published()).isNull();

            CompletableFuture<PublishResult> direct =
                    publisher.publish(operation(downstream, "nr-2"), Failure.httpStatus(422, "HTTP 422", null));
            assertThatThrownBy(() -> direct.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NonRetryableFailureException.class)
                    .hasMessageContaining("HTTP 422");
        }
        assertThat(Topics.readAll(kafka.clientProperties(), prefix + "1s", Duration.ofSeconds(30)))
                .isEmpty();
    }

    @Test
    void successIsNotPublished(KafkaCluster kafka) throws Exception {
        String prefix = createLadder(kafka, 1, Map.of());
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                RetryPublisher publisher = publisher(kafka, prefix, Map.of())) {
            CallResult result = publisher.call(operation(downstream, "ok-1")).get(30, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(CallResult.Outcome.SUCCEEDED);
            assertThat(result.response().statusCode()).isEqualTo(200);
        }
        assertThat(Topics.readAll(kafka.clientProperties(), prefix + "1s", Duration.ofSeconds(30)))
                .isEmpty();
    }

    @Test
    void connectionFailurePublished(KafkaCluster kafka) throws Exception {
        String prefix = createLadder(kafka, 1, Map.of());
        int closedPort = FreePorts.pick();
        Operation operation = Operation.http("POST", "http://127.0.0.1:" + closedPort + "/pay")
                .idempotencyKey("conn-1")
                .build();
        try (RetryPublisher publisher = publisher(kafka, prefix, Map.of())) {
            CallResult result = publisher.call(operation).get(30, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(CallResult.Outcome.PUBLISHED);
            assertThat(result.failure().kind()).isEqualTo(ErrorKind.CONNECTION_FAILED);
        }
        FailedOperation envelope = EnvelopeCodec.singleObject()
                .decode(Topics.readAll(kafka.clientProperties(), prefix + "1s", Duration.ofSeconds(30))
                        .get(0)
                        .value());
        assertThat(envelope.getLastError().getKind()).isEqualTo(ErrorKind.CONNECTION_FAILED);
    }

    @Test
    void timeoutPublished(KafkaCluster kafka) throws Exception {
        String prefix = createLadder(kafka, 1, Map.of());
        try (LoopbackDownstream downstream =
                        LoopbackDownstream.start(call -> Response.ok().after(Duration.ofSeconds(5)));
                RetryPublisher publisher = publisher(kafka, prefix, Map.of())) {
            Operation operation = Operation.http("POST", downstream.baseUrl() + "/slow")
                    .idempotencyKey("slow-1")
                    .timeout(Duration.ofMillis(200))
                    .build();

            CallResult result = publisher.call(operation).get(30, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(CallResult.Outcome.PUBLISHED);
            assertThat(result.failure().kind()).isEqualTo(ErrorKind.TIMEOUT);
        }
    }

    @Test
    void recordOverTopicLimitRejected(KafkaCluster kafka) {
        String prefix = createLadder(kafka, 1, Map.of("max.message.bytes", "65536"));
        try (RetryPublisher publisher = publisher(kafka, prefix, Map.of())) {
            Operation operation = Operation.http("PUT", "http://127.0.0.1:9/blobs/1")
                    .idempotencyKey("big-1")
                    .body(new byte[70 * 1024])
                    .build();

            assertThatThrownBy(() -> publisher.publish(operation, Failure.httpStatus(503, "", null)))
                    .isInstanceOf(InvalidOperationException.class)
                    .hasMessageContaining("big-1")
                    .hasMessageContaining("max.message.bytes of topic " + prefix + "1s")
                    .hasMessageContaining("65536");
        }
    }

    @Test
    void recordWithoutRoomForWorkersRejected(KafkaCluster kafka) {
        String prefix = createLadder(kafka, 1, Map.of("max.message.bytes", "65536"));
        try (RetryPublisher publisher = publisher(kafka, prefix, Map.of())) {
            Operation operation = Operation.http("PUT", "http://127.0.0.1:9/blobs/2")
                    .idempotencyKey("almost-1")
                    .body(new byte[63 * 1024])
                    .build();

            assertThatThrownBy(() -> publisher.publish(operation, Failure.httpStatus(503, "", null)))
                    .isInstanceOf(InvalidOperationException.class)
                    .hasMessageContaining("the workers need 4096");
        }
    }

    @Test
    void weakAcksSettingRejected(KafkaCluster kafka) {
        assertThatThrownBy(() -> publisher(kafka, "any-", Map.of("acks", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("acks=all");
    }

    @Test
    void registryEncodingPublished(KafkaCluster kafka, SchemaRegistry registry) throws Exception {
        String prefix = createLadder(kafka, 1, Map.of());
        try (RetryPublisher publisher = publisher(kafka, prefix, Map.of("schema.registry.url", registry.url()))) {
            publisher
                    .publish(
                            Operation.custom("ledger.append", null)
                                    .idempotencyKey("reg-1")
                                    .build(),
                            Failure.custom("ledger busy", true))
                    .get(30, TimeUnit.SECONDS);
        }
        byte[] value = Topics.readAll(kafka.clientProperties(), prefix + "1s", Duration.ofSeconds(30))
                .get(0)
                .value();
        assertThat(WireFormat.detect(value)).isEqualTo(WireFormat.REGISTRY);
        Map<String, Object> settings = Map.of("schema.registry.url", registry.url());
        FailedOperation envelope = io.retryladder.envelope.config.PipelineSettings.codec(
                        new org.apache.kafka.common.config.AbstractConfig(
                                io.retryladder.envelope.config.PipelineSettings.define(
                                        new org.apache.kafka.common.config.ConfigDef()),
                                settings))
                .decode(value);
        assertThat(envelope.getIdempotencyKey()).isEqualTo("reg-1");
    }

    private static void assertCallerHeaders(List<CallerHeader> headers, int index) {
        assertThat(headers)
                .extracting(CallerHeader::getName)
                .containsExactly("trace", "nothing", "empty", "dup", "dup");
        assertThat(bytes(headers.get(0).getValue())).containsExactly((byte) 0xC3, (byte) 0x28, (byte) index);
        assertThat(headers.get(1).getValue()).isNull();
        assertThat(bytes(headers.get(2).getValue())).isEmpty();
        assertThat(bytes(headers.get(3).getValue())).isEqualTo("first".getBytes(StandardCharsets.UTF_8));
        assertThat(bytes(headers.get(4).getValue())).isEqualTo("second".getBytes(StandardCharsets.UTF_8));
    }

    private static void assertKafkaHeaders(ConsumerRecord<byte[], byte[]> record, int index) {
        List<Header> callerHeaders = new ArrayList<>();
        for (Header header : record.headers()) {
            if (!header.key().startsWith(PipelineHeaders.RESERVED_PREFIX)) {
                callerHeaders.add(header);
            }
        }
        assertThat(callerHeaders).extracting(Header::key).containsExactly("trace", "nothing", "empty", "dup", "dup");
        assertThat(callerHeaders.get(0).value()).containsExactly((byte) 0xC3, (byte) 0x28, (byte) index);
        assertThat(callerHeaders.get(1).value()).isNull();
        assertThat(callerHeaders.get(2).value()).isEmpty();
        assertThat(record.headers().headers(PipelineHeaders.ATTEMPT)).hasSize(1);
    }

    private static void assertNoSecret(ConsumerRecord<byte[], byte[]> record) {
        List<byte[]> raw = new ArrayList<>();
        raw.add(record.value());
        for (Header header : record.headers()) {
            raw.add(header.key().getBytes(StandardCharsets.UTF_8));
            if (header.value() != null) {
                raw.add(header.value());
            }
        }
        for (byte[] bytes : raw) {
            assertThat(contains(bytes, "s3cr3t-t0ken")).as("token in raw bytes").isFalse();
            assertThat(contains(bytes, "c00kie")).as("cookie in raw bytes").isFalse();
        }
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] target = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i <= haystack.length - target.length; i++) {
            for (int j = 0; j < target.length; j++) {
                if (haystack[i + j] != target[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static Operation operation(LoopbackDownstream downstream, String key) {
        return Operation.http("POST", downstream.baseUrl() + "/charges")
                .idempotencyKey(key)
                .header("Authorization", SECRET_TOKEN)
                .body("{}")
                .build();
    }

    private static String createLadder(KafkaCluster kafka, int partitions, Map<String, String> configs) {
        String prefix = "pub-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        for (String tier : List.of("1s", "4s", "16s")) {
            Topics.create(kafka.admin(), prefix + tier, partitions, configs);
        }
        Topics.create(kafka.admin(), prefix + "dlq", 1, configs);
        return prefix;
    }

    private static RetryPublisher publisher(KafkaCluster kafka, String prefix, Map<String, String> overrides) {
        Map<String, Object> settings = new HashMap<>(kafka.clientProperties());
        settings.put(RetryPublisherConfig.SERVICE_NAME, "checkout");
        settings.put("retry.topic.prefix", prefix);
        settings.put("retry.dead.letter.topic", prefix + "dlq");
        settings.putAll(overrides);
        return RetryPublisher.builder(settings)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    @SuppressWarnings("unused")
    private static String hex(byte[] bytes) {
        return Arrays.toString(bytes);
    }
}
