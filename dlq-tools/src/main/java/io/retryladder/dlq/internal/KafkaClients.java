package io.retryladder.dlq.internal;

import io.retryladder.dlq.ToolException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates the Kafka clients of one command run from the shared client settings (bootstrap servers,
 * security) and the command's timeout.
 */
public final class KafkaClients {

    private static final int LINGER_MS = 5;

    private final Map<String, Object> settings;
    private final Duration timeout;
    private final String clientIdPrefix;

    public KafkaClients(Map<String, Object> settings, Duration timeout, String clientIdPrefix) {
        this.settings = Map.copyOf(settings);
        this.timeout = timeout;
        this.clientIdPrefix = clientIdPrefix;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Returns a consumer without a group that reads committed records only, so records of aborted or
     * open transactions are never seen.
     */
    public KafkaConsumer<byte[], byte[]> consumer(String purpose) {
        return consumer(purpose, IsolationLevel.READ_COMMITTED);
    }

    /** Returns a consumer without a group with the given isolation level. */
    public KafkaConsumer<byte[], byte[]> consumer(String purpose, IsolationLevel isolation) {
        Map<String, Object> props = base();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + purpose);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return create(() -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    /** Returns an idempotent producer that is transactional when {@code transactionalId} is not null. */
    public KafkaProducer<byte[], byte[]> producer(String purpose, String transactionalId, Duration transactionTimeout) {
        Map<String, Object> props = base();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + purpose);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        long requestTimeoutMs = Math.min(timeout.toMillis(), 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeoutMs);
        // The producer requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                Math.max(timeout.toMillis(), requestTimeoutMs + LINGER_MS));
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        }
        return create(() -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    public Admin admin() {
        Map<String, Object> props = base();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-admin");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        return create(() -> Admin.create(props));
    }

    /**
     * Creates a client, turning invalid client settings, such as a bootstrap server whose name does
     * not resolve, into a usage error.
     */
    private static <T> T create(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (KafkaException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConfigException invalid) {
                    throw ToolException.usage("Invalid Kafka client setting: " + invalid.getMessage()
                            + "; check --bootstrap-server and the --command-config file");
                }
            }
            throw ToolException.failure(KafkaFailures.describe("create a Kafka client", e), e);
        }
    }

    /**
     * Returns a copy of the client settings. Every client gets all of them, because security plugins
     * such as SASL callback handlers may read settings that Kafka does not declare.
     */
    private Map<String, Object> base() {
        return new HashMap<>(settings);
    }
}
