package io.retryladder.bench.peer;

import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.annotation.BackOff;
import org.springframework.kafka.annotation.DltHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.RetryableTopic;
import org.springframework.kafka.retrytopic.RetryTopicHeaders;
import org.springframework.kafka.retrytopic.TopicSuffixingStrategy;

/**
 * The peer's listener: the same ladder as the product (1 s, 4 s, 16 s, then the dead-letter topic)
 * with Spring's non-blocking retries. Each attempt calls the downstream synchronously and throws on
 * a non-2xx response, which makes Spring forward the record to the next retry topic.
 *
 * <p>Attempt 1, read from the main topic, counts as failed without a call, as the product's
 * publisher records the first failure without calling: the benchmark lets the service's own first
 * call fail outside both systems. Each call carries the headers the product's worker sends, with
 * the attempt number and due time taken from Spring's retry headers.
 */
public class RetryingListener {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String ATTEMPT = "Retry-Attempt";
    static final String DUE_AT_MS = "Retry-Due-At-Ms";
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client;
    private final PeerSettings settings;
    private final AtomicLong deadLetters = new AtomicLong();

    public RetryingListener(HttpClient client, PeerSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    @RetryableTopic(
            attempts = "4",
            backOff = @BackOff(delay = 1000, multiplier = 4.0, maxDelay = 16000),
            autoCreateTopics = "false",
            kafkaTemplate = "kafkaTemplate",
            topicSuffixingStrategy = TopicSuffixingStrategy.SUFFIX_WITH_INDEX_VALUE)
    @KafkaListener(
            id = "retrying-listener",
            topics = "${peer.topic}",
            groupId = "${peer.group-id}",
            concurrency = "${peer.concurrency}")
    public void onRecord(ConsumerRecord<byte[], byte[]> record) {
        int attempt = attemptOf(record);
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (attempt == 1) {
            throw new DownstreamException("attempt 1 of key " + key + " counts as failed (HTTP 503) without a call");
        }
        long dueAtMs = dueAtMsOf(record);
        HttpRequest request = HttpRequest.newBuilder(settings.downstreamUrl())
                .timeout(CALL_TIMEOUT)
                .header(IDEMPOTENCY_KEY, key)
                .header(ATTEMPT, Integer.toString(attempt))
                .header(DUE_AT_MS, Long.toString(dueAtMs))
                .POST(HttpRequest.BodyPublishers.ofByteArray(record.value()))
                .build();
        int status;
        try {
            status =
                    client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new DownstreamException("attempt " + attempt + " of key " + key + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownstreamException("interrupted during attempt " + attempt + " of key " + key, e);
        }
        if (status / 100 != 2) {
            throw new DownstreamException("attempt " + attempt + " of key " + key + " failed with HTTP " + status);
        }
    }

    @DltHandler
    public void onDeadLetter(ConsumerRecord<byte[], byte[]> record) {
        deadLetters.incrementAndGet();
    }

    public long deadLetters() {
        return deadLetters.get();
    }

    /** Returns Spring's delivery attempt: absent on the main topic (1), then the number the recoverer wrote. */
    static int attemptOf(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(RetryTopicHeaders.DEFAULT_HEADER_ATTEMPTS);
        if (header == null || header.value() == null) {
            return 1;
        }
        byte[] value = header.value();
        return value.length == Integer.BYTES ? ByteBuffer.wrap(value).getInt() : Byte.toUnsignedInt(value[0]);
    }

    /** Returns the due time Spring wrote: the failure time plus the tier's back-off, as a BigInteger. */
    static long dueAtMsOf(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(RetryTopicHeaders.DEFAULT_HEADER_BACKOFF_TIMESTAMP);
        return header == null || header.value() == null ? 0 : new BigInteger(header.value()).longValue();
    }
}
