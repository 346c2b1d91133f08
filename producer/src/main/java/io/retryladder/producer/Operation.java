package io.retryladder.producer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A call to hand to the retry pipeline: an HTTP request for the built-in handler, or a custom type
 * and payload for a handler of the worker's. Immutable; build one with {@link #http} or
 * {@link #custom}.
 */
public final class Operation {

    /** Whether the operation is an HTTP request or a custom operation. */
    public enum Kind {
        HTTP,
        CUSTOM
    }

    private final Kind kind;
    private final String idempotencyKey;
    private final String method;
    private final String url;
    private final List<NamedValue<String>> headers;
    private final byte[] body;
    private final Duration timeout;
    private final String type;
    private final byte[] payload;
    private final List<NamedValue<byte[]>> callerHeaders;
    private final String originTopic;
    private final Integer originPartition;
    private final Long originOffset;
    private final Integer maxAttempts;

    private Operation(Builder builder) {
        this.kind = builder.kind;
        this.idempotencyKey = builder.idempotencyKey;
        this.method = builder.method;
        this.url = builder.url;
        this.headers = List.copyOf(builder.headers);
        this.body = builder.body == null ? null : builder.body.clone();
        this.timeout = builder.timeout;
        this.type = builder.type;
        this.payload = builder.payload == null ? null : builder.payload.clone();
        this.callerHeaders = List.copyOf(builder.callerHeaders);
        this.originTopic = builder.originTopic;
        this.originPartition = builder.originPartition;
        this.originOffset = builder.originOffset;
        this.maxAttempts = builder.maxAttempts;
    }

    /** Starts an HTTP operation, for example {@code Operation.http("POST", "https://payments/charges")}. */
    public static Builder http(String method, String url) {
        Builder builder = new Builder(Kind.HTTP);
        builder.method = method;
        builder.url = url;
        return builder;
    }

    /**
     * Starts a custom operation for a worker handler registered for {@code type}. A null payload (a
     * tombstone, say) and an empty one stay distinct all the way to the dead-letter topic.
     */
    public static Builder custom(String type, byte[] payload) {
        Builder builder = new Builder(Kind.CUSTOM);
        builder.type = type;
        builder.payload = payload == null ? null : payload.clone();
        return builder;
    }

    public Kind kind() {
        return kind;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public String method() {
        return method;
    }

    public String url() {
        return url;
    }

    /** Returns the HTTP request headers in the order they were added. */
    public List<NamedValue<String>> headers() {
        return headers;
    }

    /** Returns a copy of the HTTP body, or null when the request has none. */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /** Returns the per-call timeout, or null for the default. */
    public Duration timeout() {
        return timeout;
    }

    public String type() {
        return type;
    }

    /** Returns a copy of the custom payload, or null. */
    public byte[] payload() {
        return payload == null ? null : payload.clone();
    }

    /** Returns the caller's headers, values byte for byte (null allowed), in order. */
    public List<NamedValue<byte[]>> callerHeaders() {
        return callerHeaders;
    }

    public String originTopic() {
        return originTopic;
    }

    public Integer originPartition() {
        return originPartition;
    }

    public Long originOffset() {
        return originOffset;
    }

    /** Returns the attempt budget of this operation, or null for the publisher's setting. */
    public Integer maxAttempts() {
        return maxAttempts;
    }

    /** Returns the length of the HTTP body or custom payload in bytes, 0 when there is none. */
    public int bodyOrPayloadLength() {
        byte[] bytes = kind == Kind.HTTP ? body : payload;
        return bytes == null ? 0 : bytes.length;
    }

    @Override
    public String toString() {
        return kind == Kind.HTTP
                ? "Operation[" + idempotencyKey + ", " + method + " " + url + "]"
                : "Operation[" + idempotencyKey + ", custom " + type + "]";
    }

    /**
     * A name with a value, for headers.
     *
     * @param value the value; byte values are neither copied nor checked
     */
    public record NamedValue<V>(String name, V value) {}

    /** Builds an {@link Operation}; validation happens when the operation is published. */
    public static final class Builder {
        private final Kind kind;
        private String idempotencyKey;
        private String method;
        private String url;
        private final List<NamedValue<String>> headers = new ArrayList<>();
        private byte[] body;
        private Duration timeout;
        private String type;
        private byte[] payload;
        private final List<NamedValue<byte[]>> callerHeaders = new ArrayList<>();
        private String originTopic;
        private Integer originPartition;
        private Long originOffset;
        private Integer maxAttempts;

        private Builder(Kind kind) {
            this.kind = kind;
        }

        /** Sets the key that identifies the operation's effect; 1 to 255 printable ASCII characters. */
        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        /** Adds an HTTP request header; repeated names are kept in order. */
        public Builder header(String name, String value) {
            headers.add(new NamedValue<>(Objects.requireNonNull(name, "name"), value));
            return this;
        }

        /** Sets the HTTP body; null means no body, which differs from an empty body. */
        public Builder body(byte[] body) {
            this.body = body == null ? null : body.clone();
            return this;
        }

        public Builder body(String body) {
            return body(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        /** Sets the timeout of each attempt of this operation. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Adds a caller header that travels with the operation, byte for byte; the value may be null. */
        public Builder callerHeader(String name, byte[] value) {
            callerHeaders.add(
                    new NamedValue<>(Objects.requireNonNull(name, "name"), value == null ? null : value.clone()));
            return this;
        }

        /** Records that the operation came from a Kafka record at this position. */
        public Builder origin(String topic, int partition, long offset) {
            this.originTopic = Objects.requireNonNull(topic, "topic");
            this.originPartition = partition;
            this.originOffset = offset;
            return this;
        }

        /** Records the record's position as the origin and carries its headers as caller headers. */
        public Builder fromRecord(ConsumerRecord<?, ?> record) {
            origin(record.topic(), record.partition(), record.offset());
            for (Header header : record.headers()) {
                callerHeader(header.key(), header.value());
            }
            return this;
        }

        /** Overrides the publisher's attempt budget for this operation, the first call included. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Operation build() {
            return new Operation(this);
        }
    }
}
