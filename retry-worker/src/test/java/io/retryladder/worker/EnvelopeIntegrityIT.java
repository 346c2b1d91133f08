package io.retryladder.worker;

import static io.retryladder.worker.DueTimeSchedulingIT.awaitDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.CallerHeader;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import io.retryladder.testing.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What goes in comes out: payloads, headers and unreadable records survive every hop byte for byte. */
@ExtendWith(KafkaExtension.class)
class EnvelopeIntegrityIT {

    @Test
    void largeValueAndErrorReachDeadLetterTopic(KafkaCluster kafka) throws Exception {
        String longError = "e".repeat(8 * 1024);
        ScriptedHandler handler = ScriptedHandler.alwaysFailing("blob.store", longError);
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            Map<String, String> limit = Map.of("max.message.bytes", "65536", "message.timestamp.type", "LogAppendTime");
            for (String topic : List.of(
                    pipeline.tier("300ms"),
                    pipeline.tier("600ms"),
                    pipeline.tier("1200ms"),
                    pipeline.deadLetterTopic())) {
                Topics.create(kafka.admin(), topic, 3, limit);
            }
            pipeline.startWorker(Map.of(), List.of(handler));
            byte[] payload = new byte[50 * 1024];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }

            pipeline.publisher()
                    .publish(
                            Operation.custom("blob.store", payload)
                                    .idempotencyKey("big-1")
                                    .build(),
                            Failure.custom(longError, true))
                    .get(30, TimeUnit.SECONDS);

            awaitDeadLetters(pipeline, 1);
            List<Integer> headerBytes = new ArrayList<>();
            for (String tier : List.of("300ms", "600ms", "1200ms")) {
                List<ConsumerRecord<byte[], byte[]>> records =
                        Topics.readAll(kafka.clientProperties(), pipeline.tier(tier), Duration.ofSeconds(30));
                assertThat(records).as("records in %s", tier).hasSize(1);
                headerBytes.add(headerBytes(records.get(0)));
            }
            assertThat(headerBytes).as("header bytes per hop").containsOnly(headerBytes.get(0));
            ConsumerRecord<byte[], byte[]> deadLetter = pipeline.deadLetters().get(0);
            assertThat(headerBytes(deadLetter)).isLessThanOrEqualTo(headerBytes.get(0) + 64);
            assertThat(deadLetter.headers().headers(PipelineHeaders.ERROR_MESSAGE))
                    .hasSize(1);
            FailedOperation envelope = EnvelopeCodec.singleObject().decode(deadLetter.value());
            assertThat(bytes(((CustomOperation) envelope.getRequest()).getPayload()))
                    .isEqualTo(payload);
            assertThat(envelope.getLastError().getMessage()).hasSizeLessThanOrEqualTo(1024);
            assertThat(handler.attempts).hasSize(3);
        }
    }

    @Test
    void recordOutgrowingNextTierDeadLettered(KafkaCluster kafka) throws Exception {
        ScriptedHandler handler = ScriptedHandler.alwaysFailing("blob.store", "x".repeat(1000));
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200");
                TierWriter writer = new TierWriter(kafka.clientProperties())) {
            Map<String, String> small = Map.of("max.message.bytes", "16384", "message.timestamp.type", "LogAppendTime");
            for (String topic : List.of(pipeline.tier("300ms"), pipeline.tier("600ms"), pipeline.tier("1200ms"))) {
                Topics.create(kafka.admin(), topic, 3, small);
            }
            Topics.create(
                    kafka.admin(), pipeline.deadLetterTopic(), 3, Map.of("message.timestamp.type", "LogAppendTime"));
            pipeline.startWorker(Map.of(), List.of(handler));
            // Fits the first tier with a few hundred bytes to spare, not with a 1000-character error added.
            byte[] payload = new byte[15_300];
            writer.write(
                    pipeline.tier("300ms"),
                    TestOperations.custom("too-big-1", "blob.store", payload).build());

            awaitDeadLetters(pipeline, 1);
            FailedOperation deadLetter = pipeline.deadLetterEnvelopes().get(0);
            assertThat(deadLetter.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.RECORD_TOO_LARGE);
            assertThat(deadLetter.getLastError().getMessage())
                    .contains("max.message.bytes of " + pipeline.tier("600ms"));
            assertThat(bytes(((CustomOperation) deadLetter.getRequest()).getPayload()))
                    .isEqualTo(payload);
            assertThat(handler.attempts).hasSize(1);
        }
    }

    @Test
    void awkwardHeadersCarriedByteForByte(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.status(500));
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            pipeline.startWorker();
            Operation.Builder operation =
                    Operation.http("POST", downstream.baseUrl() + "/x").idempotencyKey("hdr-1");
            for (CallerHeader header : TestOperations.awkwardHeaders()) {
                operation.callerHeader(header.getName(), header.getValue() == null ? null : bytes(header.getValue()));
            }

            pipeline.publisher()
                    .publish(operation.build(), Failure.httpStatus(500, "", null))
                    .get(30, TimeUnit.SECONDS);

            awaitDeadLetters(pipeline, 1);
            ConsumerRecord<byte[], byte[]> deadLetter = pipeline.deadLetters().get(0);
            List<Header> callerHeaders = new ArrayList<>();
            for (Header header : deadLetter.headers()) {
                if (!header.key().startsWith(PipelineHeaders.RESERVED_PREFIX)) {
                    callerHeaders.add(header);
                }
            }
            List<CallerHeader> expected = TestOperations.awkwardHeaders();
            assertThat(callerHeaders)
                    .extracting(Header::key)
                    .containsExactly("trace", "nothing", "empty", "dup", "dup");
            for (int i = 0; i < expected.size(); i++) {
                byte[] want = expected.get(i).getValue() == null
                        ? null
                        : bytes(expected.get(i).getValue());
                assertThat(callerHeaders.get(i).value()).as("header %d", i).isEqualTo(want);
            }
            FailedOperation envelope = EnvelopeCodec.singleObject().decode(deadLetter.value());
            assertThat(envelope.getCallerHeaders())
                    .extracting(CallerHeader::getName)
                    .containsExactly("trace", "nothing", "empty", "dup", "dup");
            assertThat(envelope.getCallerHeaders().get(1).getValue()).isNull();
            assertThat(bytes(envelope.getCallerHeaders().get(0).getValue()))
                    .isEqualTo(bytes(expected.get(0).getValue()));
        }
    }

    @Test
    void nullAndEmptyPayloadsStayApart(KafkaCluster kafka) throws Exception {
        ScriptedHandler handler = ScriptedHandler.alwaysFailing("ledger.append", "ledger busy");
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            pipeline.startWorker(Map.of(), List.of(handler));
            var publisher = pipeline.publisher();

            publisher
                    .publish(
                            Operation.custom("ledger.append", null)
                                    .idempotencyKey("tombstone")
                                    .build(),
                            Failure.custom("busy", true))
                    .get(30, TimeUnit.SECONDS);
            publisher
                    .publish(
                            Operation.custom("ledger.append", new byte[0])
                                    .idempotencyKey("empty")
                                    .build(),
                            Failure.custom("busy", true))
                    .get(30, TimeUnit.SECONDS);

            awaitDeadLetters(pipeline, 2);
            for (FailedOperation envelope : pipeline.deadLetterEnvelopes()) {
                ByteBuffer payload = ((CustomOperation) envelope.getRequest()).getPayload();
                if (envelope.getIdempotencyKey().equals("tombstone")) {
                    assertThat(payload).as("null payload").isNull();
                } else {
                    assertThat(payload).as("empty payload").isNotNull();
                    assertThat(payload.remaining()).isZero();
                }
            }
            assertThat(handler.attempts)
                    .filteredOn(attempt -> attempt.payload() == null)
                    .hasSize(3);
            assertThat(handler.attempts)
                    .filteredOn(attempt -> attempt.payload() != null)
                    .hasSize(3);
        }
    }

    @Test
    void nullValueOnTierParked(KafkaCluster kafka) throws Exception {
        try (Pipeline pipeline = new Pipeline(kafka, "300,600,1200");
                TierWriter writer = new TierWriter(kafka.clientProperties())) {
            pipeline.startWorker();
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader("trace", new byte[] {1, 2, 3}));

            writer.writeRaw(pipeline.tier("300ms"), 0, "bare".getBytes(StandardCharsets.UTF_8), null, headers);

            awaitDeadLetters(pipeline, 1);
            ConsumerRecord<byte[], byte[]> parked = pipeline.deadLetters().get(0);
            assertThat(parked.value()).isNull();
            assertThat(parked.key()).isEqualTo("bare".getBytes(StandardCharsets.UTF_8));
            assertThat(parked.headers().lastHeader("trace").value()).containsExactly(1, 2, 3);
            assertThat(PipelineHeaders.lastText(parked.headers(), PipelineHeaders.PARKED_REASON))
                    .contains("null value");
            assertThat(PipelineHeaders.lastText(parked.headers(), PipelineHeaders.SOURCE_OFFSET))
                    .isEqualTo("0");
        }
    }

    @Test
    void corruptRecordParkedBetweenGoodOnes(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200");
                TierWriter writer = new TierWriter(kafka.clientProperties())) {
            pipeline.startWorker();
            List<String> keys = TierWriter.keysInPartition("good-", 1, 3, 3);
            byte[] corrupt = {(byte) 0xC3, 0x01, 9, 9, 9, 9, 9, 9, 9, 9, 42, 42};

            writer.write(
                    pipeline.tier("300ms"),
                    TestOperations.http(keys.get(0), downstream.baseUrl() + "/a")
                            .build());
            writer.writeRaw(
                    pipeline.tier("300ms"),
                    1,
                    keys.get(1).getBytes(StandardCharsets.UTF_8),
                    corrupt,
                    new RecordHeaders());
            writer.write(
                    pipeline.tier("300ms"),
                    TestOperations.http(keys.get(2), downstream.baseUrl() + "/b")
                            .build());

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> downstream.effects(keys.get(0)) == 1 && downstream.effects(keys.get(2)) == 1);
            awaitDeadLetters(pipeline, 1);
            ConsumerRecord<byte[], byte[]> parked = pipeline.deadLetters().get(0);
            assertThat(parked.value()).isEqualTo(corrupt);
            assertThat(PipelineHeaders.lastText(parked.headers(), PipelineHeaders.PARKED_REASON))
                    .contains("fingerprint");
            assertThat(PipelineHeaders.lastText(parked.headers(), PipelineHeaders.SOURCE_PARTITION))
                    .isEqualTo("1");
        }
    }

    private static int headerBytes(ConsumerRecord<byte[], byte[]> record) {
        int total = 0;
        for (Header header : record.headers()) {
            total += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return total;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
