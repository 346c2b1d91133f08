package io.retryladder.deploy;

import io.retryladder.envelope.config.SecretMasking;
import io.retryladder.envelope.config.SettingNames;
import io.retryladder.envelope.config.SettingsSources;
import io.retryladder.worker.KafkaSettingNames;
import io.retryladder.worker.RetryWorkerConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** What the worker accepts as a setting name, and the values it resolves settings to. */
final class WorkerSettings {

    /** Seconds Kafka Streams gets to close after the drain, fixed in RetryWorker.close(). */
    static final int STREAMS_CLOSE_TIMEOUT_SECONDS = 30;

    static final String PREFIX = RetryWorkerConfig.ENVIRONMENT_PREFIX;

    private static final Map<String, ConfigKey> DECLARED =
            RetryWorkerConfig.configDef().configKeys();

    /** Prefixes with which Kafka Streams passes a setting to one of its clients or topics. */
    private static final Map<String, Set<String>> CLIENT_PREFIXES = clientPrefixes();

    private static final Set<String> PASS_THROUGH = KafkaSettingNames.ALL;

    /** How ConfigException names the setting: "Invalid value 0 for configuration num.stream.threads: ...". */
    private static final Pattern NAMED_SETTING = Pattern.compile("for configuration ([^\\s:]+)");

    private WorkerSettings() {}

    /**
     * Returns whether the worker uses {@code name}: a declared worker setting, a
     * retry.secret.<reference>, or a Kafka Streams or client setting, plain or with a Kafka Streams
     * client prefix such as producer.
     */
    static boolean isKnown(String name) {
        if (DECLARED.containsKey(name) || PASS_THROUGH.contains(name)) {
            return true;
        }
        if (hasSuffix(name, RetryWorkerConfig.SECRET_PREFIX) || hasSuffix(name, StreamsConfig.CLIENT_TAG_PREFIX)) {
            return true;
        }
        for (Map.Entry<String, Set<String>> prefix : CLIENT_PREFIXES.entrySet()) {
            if (name.startsWith(prefix.getKey())
                    && prefix.getValue().contains(name.substring(prefix.getKey().length()))) {
                return true;
            }
        }
        return false;
    }

    /** Returns what to do about a Kafka Streams setting the worker overwrites, or empty. */
    static Optional<String> overwrittenFix(String name) {
        return Optional.ofNullable(RetryWorkerConfig.fixedStreamsSettings().get(name));
    }

    /** Returns whether a setting carries a secret, so that it belongs in a Secret, not in plain text. */
    static boolean isSecret(String name) {
        ConfigKey key = DECLARED.get(name);
        if (key != null && key.type == ConfigDef.Type.PASSWORD) {
            return true;
        }
        return name.startsWith(RetryWorkerConfig.SECRET_PREFIX) || SecretMasking.isSecret(name);
    }

    /** Returns the settings named by the RETRY_WORKER_* entries of {@code environment}. */
    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        return SettingsSources.fromEnvironment(environment, PREFIX);
    }

    /** Merges file and environment settings as RetryWorkerMain does: the environment wins. */
    static Map<String, Object> merged(Map<String, String> file, Map<String, String> environment) {
        Map<String, Object> settings = new LinkedHashMap<>(file);
        settings.putAll(fromEnvironment(environment));
        return settings;
    }

    /** Returns the environment variable that sets {@code setting}. */
    static String variable(String setting) {
        return SettingsSources.variableName(PREFIX, setting);
    }

    /** A ConfigException's message and the setting it names, when it names one. */
    record Invalid(String message, Optional<String> setting) {}

    /** Returns what RetryWorkerConfig rejects in these settings, or empty when it accepts them. */
    static Optional<Invalid> validationError(Map<String, Object> settings) {
        try {
            new RetryWorkerConfig(settings);
            return Optional.empty();
        } catch (ConfigException e) {
            Matcher named = NAMED_SETTING.matcher(String.valueOf(e.getMessage()));
            return Optional.of(
                    new Invalid(e.getMessage(), named.find() ? Optional.of(named.group(1)) : Optional.empty()));
        }
    }

    /** Returns the value a declared setting resolves to; the default when it is unset or invalid. */
    static Object value(Map<String, ?> settings, String name) {
        ConfigKey key = DECLARED.get(name);
        Object raw = settings.get(name);
        if (raw == null) {
            return key.defaultValue;
        }
        try {
            return ConfigDef.parseType(name, raw, key.type);
        } catch (ConfigException e) {
            return key.defaultValue;
        }
    }

    static int httpPort(Map<String, ?> settings) {
        return (Integer) value(settings, RetryWorkerConfig.HTTP_PORT);
    }

    static long drainTimeoutMs(Map<String, ?> settings) {
        return (Long) value(settings, RetryWorkerConfig.SHUTDOWN_DRAIN_TIMEOUT_MS);
    }

    /** Returns the seconds a graceful shutdown may take: drain plus the Kafka Streams close. */
    static long shutdownSeconds(Map<String, ?> settings) {
        return (drainTimeoutMs(settings) + 999) / 1000 + STREAMS_CLOSE_TIMEOUT_SECONDS;
    }

    private static boolean hasSuffix(String name, String prefix) {
        return name.startsWith(prefix) && name.length() > prefix.length();
    }

    private static Map<String, Set<String>> clientPrefixes() {
        Set<String> consumer = ConsumerConfig.configNames();
        Map<String, Set<String>> prefixes = new LinkedHashMap<>();
        prefixes.put(StreamsConfig.MAIN_CONSUMER_PREFIX, consumer);
        prefixes.put(StreamsConfig.RESTORE_CONSUMER_PREFIX, consumer);
        prefixes.put(StreamsConfig.GLOBAL_CONSUMER_PREFIX, consumer);
        prefixes.put(StreamsConfig.CONSUMER_PREFIX, consumer);
        prefixes.put(StreamsConfig.PRODUCER_PREFIX, ProducerConfig.configNames());
        prefixes.put(StreamsConfig.ADMIN_CLIENT_PREFIX, AdminClientConfig.configNames());
        prefixes.put(StreamsConfig.TOPIC_PREFIX, topicConfigNames());
        return prefixes;
    }

    /** Returns the topic-level setting names that TopicConfig declares as *_CONFIG constants. */
    private static Set<String> topicConfigNames() {
        Set<String> names = new TreeSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && field.getType() == String.class
                    && field.getName().endsWith("_CONFIG")) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("TopicConfig." + field.getName() + " is not readable", e);
                }
            }
        }
        return names;
    }

    /** Returns the known name nearest to {@code name} in edit distance, or empty when none is close. */
    static Optional<String> closestName(String name) {
        Set<String> candidates = new TreeSet<>(DECLARED.keySet());
        candidates.addAll(PASS_THROUGH);
        return SettingNames.closest(name, candidates);
    }
}
