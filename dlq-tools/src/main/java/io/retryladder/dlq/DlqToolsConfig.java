package io.retryladder.dlq;

import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.config.PipelineSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of dlq-tools. The ladder and registry settings are the pipeline's shared ones, so one
 * properties file can serve the workers and this tool. Settings not declared here pass through to
 * the Kafka clients, as do the entries of the {@value #COMMAND_CONFIG} file.
 */
public final class DlqToolsConfig extends AbstractConfig {

    /** Prefix of environment variables that set settings, as in DLQ_TOOLS_BOOTSTRAP_SERVERS. */
    public static final String ENVIRONMENT_PREFIX = "DLQ_TOOLS_";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String COMMAND_CONFIG = "command.config";
    public static final String APPLICATION_ID = "application.id";
    public static final String RESOLVED_TOPIC = "dlq.resolved.topic";
    public static final String MARKERS_TOPIC = "dlq.replay.markers.topic";
    public static final String MAX_REPLAYS = "dlq.replay.max.replays";
    public static final String CONFIRM_ABOVE = "dlq.replay.confirm.above";
    public static final String TRANSACTION_MAX_RECORDS = "dlq.replay.transaction.max.records";
    public static final String TRANSACTION_MAX_MS = "dlq.replay.transaction.max.ms";
    public static final String TRANSACTIONAL_ID_PREFIX = "dlq.replay.transactional.id.prefix";
    public static final String REQUEST_TIMEOUT_MS = "dlq.request.timeout.ms";

    private static final String GROUP_CONNECTION = "Connection";
    private static final String GROUP_REPLAY = "Replay";
    private static final ConfigDef CONFIG = define();

    public DlqToolsConfig(Map<String, ?> settings) {
        super(CONFIG, settings, false);
    }

    /** Returns the declaration of every setting, from which the settings table of the docs is generated. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    public Ladder ladder() {
        return PipelineSettings.ladder(this);
    }

    /** Returns a codec that reads both wire formats and writes the pipeline's one. */
    public EnvelopeCodec codec() {
        return PipelineSettings.codec(this);
    }

    public String deadLetterTopic() {
        return getString(PipelineSettings.DEAD_LETTER_TOPIC);
    }

    /** Returns the compacted topic of resolutions: the setting, or the dead-letter topic with -resolved. */
    public String resolvedTopic() {
        String configured = getString(RESOLVED_TOPIC);
        return configured.isBlank() ? deadLetterTopic() + "-resolved" : configured;
    }

    /** Returns the compacted topic of replay markers: the setting, or the dead-letter topic with -replays. */
    public String markersTopic() {
        String configured = getString(MARKERS_TOPIC);
        return configured.isBlank() ? deadLetterTopic() + "-replays" : configured;
    }

    /** Returns the changelog topic of the workers' operations store, which Kafka Streams names. */
    public String operationsChangelogTopic() {
        return getString(APPLICATION_ID) + "-operations-changelog";
    }

    public String transactionalId(String replayId) {
        return getString(TRANSACTIONAL_ID_PREFIX) + deadLetterTopic() + "-" + replayId;
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS));
    }

    /**
     * Returns the settings every Kafka client gets: the entries of the {@value #COMMAND_CONFIG} file,
     * then the undeclared settings, which win, then the bootstrap servers.
     */
    public Map<String, Object> clientSettings(Map<String, String> commandConfigEntries) {
        Map<String, Object> settings = new HashMap<>(commandConfigEntries);
        originals().forEach((name, value) -> {
            if (!CONFIG.names().contains(name)) {
                settings.put(name, value);
            }
        });
        settings.put(BOOTSTRAP_SERVERS, String.join(",", getList(BOOTSTRAP_SERVERS)));
        return settings;
    }

    private static ConfigDef define() {
        ConfigDef def = new ConfigDef();
        defineConnection(def);
        PipelineSettings.define(def);
        defineReplay(def);
        return def;
    }

    private static void defineConnection(ConfigDef def) {
        def.define(
                        BOOTSTRAP_SERVERS,
                        Type.LIST,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonNullValidator(),
                        Importance.HIGH,
                        "Kafka brokers to connect to, as host:port pairs.",
                        GROUP_CONNECTION,
                        1,
                        ConfigDef.Width.LONG,
                        BOOTSTRAP_SERVERS)
                .define(
                        COMMAND_CONFIG,
                        Type.STRING,
                        "",
                        Importance.HIGH,
                        "Properties file with Kafka client settings, such as security.protocol, sasl.mechanism,"
                                + " sasl.jaas.config and ssl.truststore.location, passed to every Kafka client.",
                        GROUP_CONNECTION,
                        2,
                        ConfigDef.Width.LONG,
                        COMMAND_CONFIG)
                .define(
                        APPLICATION_ID,
                        Type.STRING,
                        "retry-worker",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "application.id of the retry workers; replay reads their state from the topic"
                                + " <application.id>-operations-changelog.",
                        GROUP_CONNECTION,
                        3,
                        ConfigDef.Width.MEDIUM,
                        APPLICATION_ID)
                .define(
                        REQUEST_TIMEOUT_MS,
                        Type.INT,
                        30_000,
                        Range.between(1_000, 600_000),
                        Importance.LOW,
                        "How long one Kafka operation (metadata, offsets, a read that makes no progress, a"
                                + " commit) may take before the command fails, in milliseconds.",
                        GROUP_CONNECTION,
                        4,
                        ConfigDef.Width.SHORT,
                        REQUEST_TIMEOUT_MS);
    }

    private static void defineReplay(ConfigDef def) {
        def.define(
                        RESOLVED_TOPIC,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "Compacted topic that records resolved dead letters; empty uses the dead-letter topic's"
                                + " name followed by -resolved. resolve creates it when missing.",
                        GROUP_REPLAY,
                        1,
                        ConfigDef.Width.MEDIUM,
                        RESOLVED_TOPIC)
                .define(
                        MARKERS_TOPIC,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "Compacted topic of replay markers, one per replayed dead letter and replay id; empty"
                                + " uses the dead-letter topic's name followed by -replays. replay creates it when"
                                + " missing.",
                        GROUP_REPLAY,
                        2,
                        ConfigDef.Width.MEDIUM,
                        MARKERS_TOPIC)
                .define(
                        MAX_REPLAYS,
                        Type.INT,
                        3,
                        Range.between(0, 1_000),
                        Importance.MEDIUM,
                        "Replay cap: replay rejects a dead letter whose replay count has reached this number,"
                                + " unless --force is given; 0 rejects every replay without --force.",
                        GROUP_REPLAY,
                        3,
                        ConfigDef.Width.SHORT,
                        MAX_REPLAYS)
                .define(
                        CONFIRM_ABOVE,
                        Type.INT,
                        100,
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        "replay asks for confirmation on the terminal before replaying more than this many dead"
                                + " letters, unless --yes is given.",
                        GROUP_REPLAY,
                        4,
                        ConfigDef.Width.SHORT,
                        CONFIRM_ABOVE)
                .define(
                        TRANSACTION_MAX_RECORDS,
                        Type.INT,
                        1_000,
                        Range.between(1, 10_000),
                        Importance.LOW,
                        "Most dead letters replayed in one Kafka transaction.",
                        GROUP_REPLAY,
                        5,
                        ConfigDef.Width.SHORT,
                        TRANSACTION_MAX_RECORDS)
                .define(
                        TRANSACTION_MAX_MS,
                        Type.INT,
                        1_000,
                        Range.between(10, 60_000),
                        Importance.LOW,
                        "Longest time one replay transaction stays open, in milliseconds; replayed records become"
                                + " visible to the workers when their transaction commits.",
                        GROUP_REPLAY,
                        6,
                        ConfigDef.Width.SHORT,
                        TRANSACTION_MAX_MS)
                .define(
                        TRANSACTIONAL_ID_PREFIX,
                        Type.STRING,
                        "dlq-tools-replay-",
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        "Prefix of the transactional.id of a replay, which continues with the dead-letter topic and"
                                + " the replay id; grant WRITE and DESCRIBE on transactional ids with this prefix.",
                        GROUP_REPLAY,
                        7,
                        ConfigDef.Width.MEDIUM,
                        TRANSACTIONAL_ID_PREFIX);
    }
}
