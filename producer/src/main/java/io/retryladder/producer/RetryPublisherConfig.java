package io.retryladder.producer;

import io.retryladder.envelope.config.PipelineSettings;
import io.retryladder.envelope.config.StatusRanges;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of a {@link RetryPublisher}. Settings not declared here, such as {@code security.protocol}
 * or {@code sasl.jaas.config}, pass through to the Kafka producer unchanged.
 */
public final class RetryPublisherConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SERVICE_NAME = "retry.service.name";
    public static final String MAX_ATTEMPTS = "retry.max.attempts";
    public static final String RETRYABLE_HTTP_STATUSES = "retry.retryable.http.statuses";
    public static final String RETRYABLE_CONNECTION_ERRORS = "retry.retryable.connection.errors";
    public static final String RETRYABLE_TIMEOUTS = "retry.retryable.timeouts";
    public static final String SECRET_HEADERS = "retry.secret.headers";
    public static final String SECRET_HEADER_REFERENCES = "retry.secret.header.references";
    public static final String MAX_BODY_BYTES = "retry.max.body.bytes";
    public static final String ERROR_MESSAGE_MAX_CHARS = "retry.error.message.max.chars";
    public static final String CALL_TIMEOUT_MS = "retry.call.timeout.ms";

    /** Prefix of environment variables that set publisher settings, as in RETRY_PUBLISHER_BOOTSTRAP_SERVERS. */
    public static final String ENVIRONMENT_PREFIX = "RETRY_PUBLISHER_";

    private static final ConfigDef CONFIG = define();

    public RetryPublisherConfig(Map<String, ?> settings) {
        super(CONFIG, settings, false);
        StatusRanges.parse(RETRYABLE_HTTP_STATUSES, getList(RETRYABLE_HTTP_STATUSES));
        Integer maxAttempts = getInt(MAX_ATTEMPTS);
        if (maxAttempts != null && maxAttempts < 2) {
            throw new ConfigException(
                    MAX_ATTEMPTS,
                    maxAttempts,
                    "must be at least 2 (the first call plus one retry), or unset for the number of tiers plus one");
        }
    }

    /**
     * Reads settings from a properties file (may be null) and from environment variables that start
     * with {@value #ENVIRONMENT_PREFIX}, which win over the file, for {@link RetryPublisher#create}.
     */
    public static Map<String, Object> load(java.nio.file.Path file, Map<String, String> environment) {
        return io.retryladder.envelope.config.SettingsSources.load(file, environment, ENVIRONMENT_PREFIX);
    }

    /** Returns the declaration of every setting, from which the README's table is generated. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    private static ConfigDef define() {
        ConfigDef def = new ConfigDef()
                .define(
                        BOOTSTRAP_SERVERS,
                        Type.LIST,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonNullValidator(),
                        Importance.HIGH,
                        "Kafka brokers to connect to, as host:port pairs.")
                .define(
                        SERVICE_NAME,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Name of the calling service, recorded as the origin of every operation it publishes.");
        PipelineSettings.define(def);
        return def.define(
                        MAX_ATTEMPTS,
                        Type.INT,
                        null,
                        Importance.MEDIUM,
                        "Attempts an operation gets, the first call included. Unset means the number of tiers plus"
                                + " one: the first call and one attempt from each tier.")
                .define(
                        RETRYABLE_HTTP_STATUSES,
                        Type.LIST,
                        "408,425,429,500-599",
                        Importance.MEDIUM,
                        "HTTP statuses worth another attempt, as codes or ranges; any other 4xx fails fast to the"
                                + " caller without being published.")
                .define(
                        RETRYABLE_CONNECTION_ERRORS,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Whether a call that could not connect, or whose connection broke, is retried.")
                .define(
                        RETRYABLE_TIMEOUTS,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Whether a call that timed out is retried.")
                .define(
                        SECRET_HEADERS,
                        Type.LIST,
                        "Authorization,Proxy-Authorization,Cookie,Set-Cookie",
                        Importance.HIGH,
                        "Header names (case-insensitive) whose values never reach Kafka. Each is dropped, or"
                                + " replaced by a reference when " + SECRET_HEADER_REFERENCES + " names one.")
                .define(
                        SECRET_HEADER_REFERENCES,
                        Type.LIST,
                        "",
                        Importance.MEDIUM,
                        "Pairs Header=reference, for example Authorization=payments.token: the header travels as"
                                + " the reference, and the worker fills in the value from its own setting"
                                + " retry.secret.<reference>.")
                .define(
                        MAX_BODY_BYTES,
                        Type.INT,
                        1_048_576,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        "Largest request body or custom payload accepted, in bytes.")
                .define(
                        ERROR_MESSAGE_MAX_CHARS,
                        Type.INT,
                        1024,
                        ConfigDef.Range.between(64, 65_536),
                        Importance.LOW,
                        "Error text longer than this many characters is cut before it is written.")
                .define(
                        CALL_TIMEOUT_MS,
                        Type.INT,
                        10_000,
                        ConfigDef.Range.between(1, 3_600_000),
                        Importance.MEDIUM,
                        "Timeout of the first call made by RetryPublisher.call, in milliseconds, when the operation"
                                + " sets none.");
    }

    /** Returns the settings that go to the Kafka producer: everything this class does not declare. */
    Map<String, Object> clientSettings() {
        Map<String, Object> client = new java.util.HashMap<>(originals());
        for (String name : CONFIG.names()) {
            if (!name.equals(BOOTSTRAP_SERVERS)) {
                client.remove(name);
            }
        }
        return client;
    }

    List<String> secretHeaderNames() {
        return getList(SECRET_HEADERS);
    }
}
