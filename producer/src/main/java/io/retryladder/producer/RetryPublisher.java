package io.retryladder.producer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.retryladder.envelope.DueTimes;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.RecordSizes;
import io.retryladder.envelope.RetryAfter;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.config.PipelineSettings;
import io.retryladder.producer.CallResult.Outcome;
import io.retryladder.producer.Operation.NamedValue;
import io.retryladder.producer.internal.EnvelopeFactory;
import io.retryladder.producer.internal.OperationValidator;
import io.retryladder.producer.internal.RecordSizeLimit;
import io.retryladder.producer.internal.SecretHeaderFilter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Hands failed calls to the retry pipeline: it validates each operation, keeps secrets out of Kafka,
 * decides whether the failure is worth retrying, and publishes the envelope to the first tier
 * through an idempotent producer with {@code acks=all}.
 *
 * <p>Thread-safe; share one instance per service and close it on shutdown.
 *
 * <pre>{@code
 * RetryPublisher publisher = RetryPublisher.create(Map.of(
 *         "bootstrap.servers", "kafka:9092",
 *         "retry.service.name", "checkout"));
 * Operation charge = Operation.http("POST", "https://payments.internal/charges")
 *         .idempotencyKey("order-42")
 *         .header("Content-Type", "application/json")
 *         .body(json)
 *         .build();
 * publisher.call(charge).thenAccept(result -> ...);
 * }</pre>
 */
public final class RetryPublisher implements AutoCloseable {

    private final RetryPublisherConfig config;
    private final Ladder ladder;
    private final EnvelopeCodec codec;
    private final OperationValidator validator;
    private final EnvelopeFactory envelopes;
    private final FailureClassifier classifier;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final RecordSizeLimit sizeLimit;
    private final HttpClient httpClient;
    private final boolean ownsHttpClient;
    private final Duration callTimeout;
    private final Clock clock;
    private final Counter published;
    private final Counter rejectedInvalid;
    private final Counter rejectedNotRetryable;
    private final Counter sendFailures;

    private RetryPublisher(Builder builder) {
        this.config = new RetryPublisherConfig(builder.settings);
        this.clock = builder.clock;
        this.ladder = PipelineSettings.ladder(config);
        this.codec = PipelineSettings.codec(config);
        DueTimes dueTimes = new DueTimes(ladder, PipelineSettings.jitter(config));
        Integer maxAttempts = config.getInt(RetryPublisherConfig.MAX_ATTEMPTS);
        SecretHeaderFilter secrets = new SecretHeaderFilter(
                config.secretHeaderNames(), config.getList(RetryPublisherConfig.SECRET_HEADER_REFERENCES));
        this.validator = new OperationValidator(config.getInt(RetryPublisherConfig.MAX_BODY_BYTES));
        this.envelopes = new EnvelopeFactory(
                config.getString(RetryPublisherConfig.SERVICE_NAME),
                dueTimes,
                secrets,
                maxAttempts != null ? maxAttempts : ladder.defaultMaxAttempts(),
                config.getInt(RetryPublisherConfig.ERROR_MESSAGE_MAX_CHARS),
                clock);
        this.classifier = builder.classifier != null ? builder.classifier : FailureClassifier.from(config);
        this.callTimeout = Duration.ofMillis(config.getInt(RetryPublisherConfig.CALL_TIMEOUT_MS));

        Map<String, Object> producerSettings = producerSettings(config);
        this.producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
        this.admin = Admin.create(adminSettings(config));
        int maxRequestSize = Integer.parseInt(
                String.valueOf(producerSettings.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576)));
        this.sizeLimit = new RecordSizeLimit(admin, ladder.first().topic(), maxRequestSize);

        this.ownsHttpClient = builder.httpClient == null;
        this.httpClient = builder.httpClient != null
                ? builder.httpClient
                : HttpClient.newBuilder()
                        .connectTimeout(callTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();

        MeterRegistry meters = builder.meterRegistry;
        String service = config.getString(RetryPublisherConfig.SERVICE_NAME);
        this.published = Counter.builder("retry.producer.published")
                .description("Failed operations written to the first tier")
                .tag("service", service)
                .register(meters);
        this.rejectedInvalid = Counter.builder("retry.producer.rejected")
                .description("Operations not published")
                .tag("service", service)
                .tag("reason", "invalid")
                .register(meters);
        this.rejectedNotRetryable = Counter.builder("retry.producer.rejected")
                .description("Operations not published")
                .tag("service", service)
                .tag("reason", "not_retryable")
                .register(meters);
        this.sendFailures = Counter.builder("retry.producer.send.failures")
                .description("Publications that Kafka did not acknowledge")
                .tag("service", service)
                .register(meters);
    }

    /** Creates a publisher from settings; see {@link RetryPublisherConfig} for their names. */
    public static RetryPublisher create(Map<String, ?> settings) {
        return builder(settings).build();
    }

    public static Builder builder(Map<String, ?> settings) {
        return new Builder(settings);
    }

    public Ladder ladder() {
        return ladder;
    }

    /**
     * Publishes an operation whose first call failed.
     *
     * @return a future that completes when Kafka acknowledges the record, or fails with
     *     {@link NonRetryableFailureException} when the failure is not worth another attempt
     * @throws InvalidOperationException synchronously, when the operation is invalid or would exceed
     *     the tier topic's record size limit
     */
    public CompletableFuture<PublishResult> publish(Operation operation, Failure failure) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(failure, "failure");
        validate(operation);
        if (!classifier.isRetryable(failure)) {
            rejectedNotRetryable.increment();
            return CompletableFuture.failedFuture(
                    new NonRetryableFailureException(operation.idempotencyKey(), failure));
        }
        FailedOperation envelope = envelopes.create(operation, failure);
        String topic = ladder.first().topic();
        byte[] key = operation.idempotencyKey().getBytes(StandardCharsets.UTF_8);
        byte[] value = codec.encode(topic, envelope);
        Headers headers = PipelineHeaders.forEnvelope(envelope);
        checkSize(operation, key, value, headers);

        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, null, key, value, headers), (metadata, error) -> {
            if (error != null) {
                sendFailures.increment();
                result.completeExceptionally(error);
            } else {
                published.increment();
                result.complete(new PublishResult(
                        envelope.getIdempotencyKey(),
                        envelope.getOperationId(),
                        metadata.topic(),
                        metadata.partition(),
                        metadata.offset(),
                        envelope.getDueAt()));
            }
        });
        return result;
    }

    /**
     * Makes the first call of an HTTP operation and, when it fails in a retryable way, publishes it.
     * The call carries the operation's headers, secrets included, and an {@code Idempotency-Key}
     * header.
     *
     * @throws InvalidOperationException synchronously, when the operation is invalid
     */
    public CompletableFuture<CallResult> call(Operation operation) {
        Objects.requireNonNull(operation, "operation");
        if (operation.kind() != Operation.Kind.HTTP) {
            throw new InvalidOperationException("Operation " + operation.idempotencyKey()
                    + ": call() makes HTTP calls only; make custom calls yourself and hand failures to publish()");
        }
        validate(operation);
        HttpRequest request = firstCall(operation);
        return httpClient
                .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) ->
                        error != null ? afterError(operation, error) : afterResponse(operation, response))
                .thenCompose(future -> future);
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
        if (ownsHttpClient && httpClient instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("Failed to close the HTTP client", e);
            }
        }
    }

    private CompletableFuture<CallResult> afterResponse(Operation operation, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status < 400) {
            return CompletableFuture.completedFuture(new CallResult(Outcome.SUCCEEDED, response, null, null));
        }
        Failure failure = Failure.httpStatus(
                status,
                "HTTP " + status + " from " + operation.method() + " " + hostOf(operation.url()),
                RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock));
        return publishOrReject(operation, failure, response);
    }

    private CompletableFuture<CallResult> afterError(Operation operation, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return publishOrReject(operation, Failure.of(cause), null);
    }

    private CompletableFuture<CallResult> publishOrReject(
            Operation operation, Failure failure, HttpResponse<byte[]> response) {
        if (!classifier.isRetryable(failure)) {
            rejectedNotRetryable.increment();
            return CompletableFuture.completedFuture(new CallResult(Outcome.NOT_RETRYABLE, response, failure, null));
        }
        return publish(operation, failure)
                .thenApply(published -> new CallResult(Outcome.PUBLISHED, response, failure, published));
    }

    private HttpRequest firstCall(Operation operation) {
        byte[] body = operation.body();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(operation.url()))
                .timeout(operation.timeout() != null ? operation.timeout() : callTimeout)
                .method(
                        operation.method(),
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Idempotency-Key", operation.idempotencyKey())
                .header("Retry-Attempt", "1");
        for (NamedValue<String> header : operation.headers()) {
            if (header.value() != null) {
                request.header(header.name(), header.value());
            }
        }
        return request.build();
    }

    private void validate(Operation operation) {
        try {
            validator.validate(operation);
        } catch (InvalidOperationException e) {
            rejectedInvalid.increment();
            throw e;
        }
    }

    private void checkSize(Operation operation, byte[] key, byte[] value, Headers headers) {
        int size = RecordSizes.estimate(key, value, headers);
        RecordSizeLimit.Limit limit = sizeLimit.limit();
        if (size + RecordSizes.WORKER_GROWTH_BYTES > limit.bytes()) {
            rejectedInvalid.increment();
            throw new InvalidOperationException("Operation " + operation.idempotencyKey() + " would make a record of"
                    + " about " + size + " bytes, but " + limit.source() + " allows " + limit.bytes() + ", of which"
                    + " the workers need " + RecordSizes.WORKER_GROWTH_BYTES + " for error text, history and"
                    + " routing data they add; shrink the body or payload, or raise that limit");
        }
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return "(invalid URL)";
        }
    }

    private static Map<String, Object> producerSettings(RetryPublisherConfig config) {
        Map<String, Object> settings = new HashMap<>(config.clientSettings());
        requireSetting(settings, ProducerConfig.ACKS_CONFIG, "all", "-1");
        requireSetting(settings, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.putIfAbsent(
                ProducerConfig.CLIENT_ID_CONFIG,
                "retry-publisher-" + config.getString(RetryPublisherConfig.SERVICE_NAME));
        settings.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        settings.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return settings;
    }

    private static Map<String, Object> adminSettings(RetryPublisherConfig config) {
        Map<String, Object> settings = new HashMap<>(config.clientSettings());
        for (String producerOnly : List.of(
                ProducerConfig.ACKS_CONFIG,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                ProducerConfig.LINGER_MS_CONFIG,
                ProducerConfig.BATCH_SIZE_CONFIG,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                ProducerConfig.CLIENT_ID_CONFIG)) {
            settings.remove(producerOnly);
        }
        return settings;
    }

    private static void requireSetting(Map<String, Object> settings, String name, String... allowed) {
        Object value = settings.get(name);
        if (value != null && !List.of(allowed).contains(value.toString().toLowerCase(java.util.Locale.ROOT))) {
            throw new ConfigException(
                    name,
                    value,
                    "the retry publisher needs " + name + "=" + allowed[0]
                            + " so that no failed operation is lost or duplicated; remove the setting");
        }
    }

    /** Optional collaborators of a {@link RetryPublisher}. */
    public static final class Builder {
        private final Map<String, ?> settings;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry = Metrics.globalRegistry;
        private HttpClient httpClient;
        private FailureClassifier classifier;

        private Builder(Map<String, ?> settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** Sets the clock that stamps failures and due times. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Registers the publisher's meters here instead of in Micrometer's global registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** Makes first calls with this client, which the publisher does not close. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** Replaces the classification built from the retry.retryable.* settings. */
        public Builder classifier(FailureClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        public RetryPublisher build() {
            return new RetryPublisher(this);
        }
    }
}
