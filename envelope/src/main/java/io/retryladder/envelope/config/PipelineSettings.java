package io.retryladder.envelope.config;

import io.retryladder.envelope.Jitter;
import io.retryladder.envelope.JitterStrategy;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings that the producer, the worker and dlq-tools share: the ladder of topics, jitter and the
 * schema registry. Each is declared once here and added to each component's {@link ConfigDef}.
 */
public final class PipelineSettings {

    public static final String TIER_DELAYS_MS = "retry.tier.delays.ms";
    public static final String TOPIC_PREFIX = "retry.topic.prefix";
    public static final String TIER_TOPICS = "retry.tier.topics";
    public static final String DEAD_LETTER_TOPIC = "retry.dead.letter.topic";
    public static final String JITTER = "retry.jitter";
    public static final String REGISTRY_URL = "schema.registry.url";
    public static final String REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String REGISTRY_AUTO_REGISTER = "schema.registry.auto.register";
    public static final String REGISTRY_REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    private static final String GROUP_LADDER = "Ladder";
    private static final String GROUP_REGISTRY = "Schema registry";

    private PipelineSettings() {}

    /** Adds the shared settings to {@code def} and returns it. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        TIER_DELAYS_MS,
                        Type.LIST,
                        "1000,4000,16000",
                        DescribedValidator.of(
                                "positive milliseconds, shortest first", PipelineSettings::validateDelays),
                        Importance.HIGH,
                        "Nominal delay of each tier in milliseconds, shortest first; one tier topic per delay.",
                        GROUP_LADDER,
                        1,
                        ConfigDef.Width.MEDIUM,
                        TIER_DELAYS_MS)
                .define(
                        TOPIC_PREFIX,
                        Type.STRING,
                        "retry-",
                        Importance.MEDIUM,
                        "Prefix of the tier topic names; each name ends with its delay, as in retry-16s.",
                        GROUP_LADDER,
                        2,
                        ConfigDef.Width.SHORT,
                        TOPIC_PREFIX)
                .define(
                        TIER_TOPICS,
                        Type.LIST,
                        "",
                        Importance.LOW,
                        "Explicit tier topic names, one per delay; when empty, names come from " + TOPIC_PREFIX
                                + " and the delays.",
                        GROUP_LADDER,
                        3,
                        ConfigDef.Width.MEDIUM,
                        TIER_TOPICS)
                .define(
                        DEAD_LETTER_TOPIC,
                        Type.STRING,
                        "retry-dlq",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Topic that receives exhausted, non-retryable and undecodable records.",
                        GROUP_LADDER,
                        4,
                        ConfigDef.Width.SHORT,
                        DEAD_LETTER_TOPIC)
                .define(
                        JITTER,
                        Type.STRING,
                        JitterStrategy.EQUAL.name(),
                        ConfigDef.CaseInsensitiveValidString.in(names(JitterStrategy.values())),
                        Importance.MEDIUM,
                        "Jitter applied to each tier delay d: EQUAL waits between d/2 and d, FULL between 0 and d,"
                                + " DECORRELATED between d and 3d, NONE exactly d.",
                        GROUP_LADDER,
                        5,
                        ConfigDef.Width.SHORT,
                        JITTER)
                .define(
                        REGISTRY_URL,
                        Type.STRING,
                        "",
                        Importance.HIGH,
                        "Base URL of a schema registry that speaks the Confluent REST API. When empty, envelopes"
                                + " use Avro single-object encoding and need no registry.",
                        GROUP_REGISTRY,
                        1,
                        ConfigDef.Width.LONG,
                        REGISTRY_URL)
                .define(
                        REGISTRY_BASIC_AUTH_USER_INFO,
                        Type.PASSWORD,
                        null,
                        Importance.MEDIUM,
                        "user:password for HTTP basic authentication to the schema registry.",
                        GROUP_REGISTRY,
                        2,
                        ConfigDef.Width.MEDIUM,
                        REGISTRY_BASIC_AUTH_USER_INFO)
                .define(
                        REGISTRY_AUTO_REGISTER,
                        Type.BOOLEAN,
                        true,
                        Importance.MEDIUM,
                        "Whether writers register the envelope schema under <topic>-value; when false they only"
                                + " look it up, so it must be registered beforehand.",
                        GROUP_REGISTRY,
                        3,
                        ConfigDef.Width.SHORT,
                        REGISTRY_AUTO_REGISTER)
                .define(
                        REGISTRY_REQUEST_TIMEOUT_MS,
                        Type.INT,
                        10_000,
                        ConfigDef.Range.between(100, 300_000),
                        Importance.LOW,
                        "Timeout of one request to the schema registry, in milliseconds.",
                        GROUP_REGISTRY,
                        4,
                        ConfigDef.Width.SHORT,
                        REGISTRY_REQUEST_TIMEOUT_MS);
    }

    /** Builds the ladder described by {@code config}. */
    public static Ladder ladder(AbstractConfig config) {
        List<Duration> delays = new ArrayList<>();
        for (String value : config.getList(TIER_DELAYS_MS)) {
            delays.add(Duration.ofMillis(Long.parseLong(value.strip())));
        }
        List<String> topics = config.getList(TIER_TOPICS);
        String deadLetterTopic = config.getString(DEAD_LETTER_TOPIC);
        try {
            if (topics.isEmpty()) {
                return Ladder.of(config.getString(TOPIC_PREFIX), delays, deadLetterTopic);
            }
            return Ladder.of(topics, delays, deadLetterTopic);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid retry ladder (" + TIER_DELAYS_MS + ", " + TIER_TOPICS + ", "
                    + DEAD_LETTER_TOPIC + "): " + e.getMessage());
        }
    }

    public static Jitter jitter(AbstractConfig config) {
        return new Jitter(JitterStrategy.valueOf(config.getString(JITTER).toUpperCase(Locale.ROOT)));
    }

    /** Returns a codec for the configured registry, or for single-object encoding when none is set. */
    public static EnvelopeCodec codec(AbstractConfig config) {
        String url = config.getString(REGISTRY_URL);
        if (url == null || url.isBlank()) {
            return EnvelopeCodec.singleObject();
        }
        Password userInfo = config.getPassword(REGISTRY_BASIC_AUTH_USER_INFO);
        SchemaRegistryClient client = new SchemaRegistryClient(
                url,
                userInfo == null ? null : userInfo.value(),
                Duration.ofMillis(config.getInt(REGISTRY_REQUEST_TIMEOUT_MS)));
        return EnvelopeCodec.withRegistry(client, config.getBoolean(REGISTRY_AUTO_REGISTER));
    }

    private static void validateDelays(String name, Object value) {
        @SuppressWarnings("unchecked")
        List<String> delays = (List<String>) value;
        if (delays == null || delays.isEmpty()) {
            throw new ConfigException(name, value, "at least one tier delay is required, for example 1000,4000,16000");
        }
        for (String delay : delays) {
            try {
                if (Long.parseLong(delay.strip()) <= 0) {
                    throw new ConfigException(name, value, "each delay must be a positive number of milliseconds");
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(name, value, "'" + delay + "' is not a whole number of milliseconds");
            }
        }
    }

    private static String[] names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toArray(String[]::new);
    }
}
