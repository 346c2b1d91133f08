package io.retryladder.dlq.internal;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.codec.UndecodableEnvelopeException;
import io.retryladder.envelope.registry.SchemaRegistryException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * One record of the dead-letter topic: the raw record and, when it could be decoded, its envelope.
 * A record that the worker parked because it could not read it, or that this tool cannot decode, is
 * unreadable and carries the reason instead of an envelope.
 *
 * @param timestampMs the record's timestamp in epoch milliseconds
 * @param envelope the decoded envelope, or null when the record is unreadable
 * @param unreadableReason why the record has no envelope, or null when it has one
 */
public record DeadLetterEntry(
        String topic,
        int partition,
        long offset,
        long timestampMs,
        byte[] key,
        byte[] value,
        Headers headers,
        FailedOperation envelope,
        String unreadableReason) {

    /**
     * Decodes a dead-letter record.
     *
     * @throws SchemaRegistryException when the registry fails for a reason other than an unknown
     *     schema id, because such a failure reveals nothing about the record
     */
    public static DeadLetterEntry decode(ConsumerRecord<byte[], byte[]> record, EnvelopeCodec codec) {
        String parkedReason = PipelineHeaders.lastText(record.headers(), PipelineHeaders.PARKED_REASON);
        FailedOperation envelope = null;
        String unreadable = null;
        if (parkedReason != null) {
            unreadable = "parked by the worker: " + parkedReason + parkedSource(record.headers());
        } else {
            try {
                envelope = codec.decode(record.value());
            } catch (UndecodableEnvelopeException e) {
                unreadable = "cannot decode the envelope: " + e.getMessage();
            }
        }
        return new DeadLetterEntry(
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                record.headers(),
                envelope,
                unreadable);
    }

    public EntryId id() {
        return new EntryId(partition, offset);
    }

    public boolean isReadable() {
        return envelope != null;
    }

    /** Returns whether the worker parked this record raw because it could not read it. */
    public boolean isParked() {
        return headers.lastHeader(PipelineHeaders.PARKED_REASON) != null;
    }

    /** Returns when the operation was dead-lettered: the envelope's time, else the record's timestamp. */
    public Instant deadLetteredAt() {
        if (envelope != null && envelope.getDeadLetter() != null) {
            return envelope.getDeadLetter().getAt();
        }
        return Instant.ofEpochMilli(timestampMs);
    }

    /** Returns the idempotency key: the envelope's, else the record key as UTF-8, else null. */
    public String idempotencyKey() {
        if (envelope != null) {
            return envelope.getIdempotencyKey();
        }
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** Returns whether the record key is the UTF-8 form of the envelope's idempotency key, as workers require. */
    public boolean keyMatchesEnvelope() {
        return envelope != null
                && Arrays.equals(key, envelope.getIdempotencyKey().getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the host of an HTTP operation in lower case, or null for custom and unreadable entries. */
    public String host() {
        if (envelope != null && envelope.getRequest() instanceof HttpRequest http) {
            try {
                String host = URI.create(http.getUrl()).getHost();
                return host == null ? null : host.toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** Returns what the operation calls: the HTTP host, {@code custom:<type>}, or null when unreadable. */
    public String target() {
        if (envelope == null) {
            return null;
        }
        if (envelope.getRequest() instanceof HttpRequest http) {
            String host = host();
            return host != null ? host : http.getUrl();
        }
        return "custom:" + ((CustomOperation) envelope.getRequest()).getType();
    }

    private static String parkedSource(Headers headers) {
        String topic = PipelineHeaders.lastText(headers, PipelineHeaders.SOURCE_TOPIC);
        if (topic == null) {
            return "";
        }
        return " (read from " + topic + "-" + PipelineHeaders.lastText(headers, PipelineHeaders.SOURCE_PARTITION) + "@"
                + PipelineHeaders.lastText(headers, PipelineHeaders.SOURCE_OFFSET) + ")";
    }
}
