package io.retryladder.worker;

import io.retryladder.envelope.config.DescribedValidator;
import io.retryladder.envelope.config.PipelineSettings;
import io.retryladder.envelope.config.SettingNames;
import io.retryladder.envelope.config.StatusRanges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of a retry worker. Settings not declared here pass through to Kafka Streams and its
 * clients unchanged, which is how {@code security.protocol}, {@code sasl.jaas.config} and the
 * {@code ssl.*} settings reach the broker. Settings named {@code retry.secret.<reference>} hold the
 * values of secret headers that producers replaced by references.
 */
public final class RetryWorkerConfig extends AbstractConfig {

    /** Prefix of environment variables that set worker settings, as in RETRY_WORKER_BOOTSTRAP_SERVERS. */
    public static final String ENVIRONMENT_PREFIX = "RETRY_WORKER_";

    /** Prefix of settings that hold secret header values by reference name. */
    public static final String SECRET_PREFIX = "retry.secret.";

    /** Prefix of the worker's own settings; Kafka declares a few names with it too, such as retry.backoff.ms. */
    private static final String WORKER_PREFIX = "retry.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String WORKER_ID = "retry.worker.id";
    public static final String HTTP_PORT = "retry.http.port";
    public static final String HTTP_HOST = "retry.http.host";

    public static final String TOPICS_CREATE = "retry.topics.create";
    public static final String TOPICS_PARTITIONS = "retry.topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR = "retry.topics.replication.factor";

    public static final String MAX_ATTEMPTS_LIMIT = "retry.max.attempts.limit";
    public static final String RETRYABLE_HTTP_STATUSES = "retry.retryable.http.statuses";
    public static final String CALL_TIMEOUT_MS = "retry.call.timeout.ms";
    public static final String MAX_IN_FLIGHT = "retry.max.in.flight";
    public static final String ERROR_MESSAGE_MAX_CHARS = "retry.error.message.max.chars";
    public static final String HISTORY_MAX_ENTRIES = "retry.history.max.entries";
    public static final String ALLOWED_HOSTS = "retry.http.allowed.hosts";
    public static final String MAX_REDIRECTS = "retry.http.max.redirects";
    public static final String DEDUPE_RETENTION_MS = "retry.dedupe.retention.ms";

    public static final String BREAKER_FAILURE_RATE_THRESHOLD = "retry.breaker.failure.rate.threshold.percent";
    public static final String BREAKER_FAILURE_STATUSES = "retry.breaker.failure.statuses";
    public static final String BREAKER_SLOW_CALL_RATE_THRESHOLD = "retry.breaker.slow.call.rate.threshold.percent";
    public static final String BREAKER_SLOW_CALL_DURATION_MS = "retry.breaker.slow.call.duration.ms";
    public static final String BREAKER_MINIMUM_CALLS = "retry.breaker.minimum.calls";
    public static final String BREAKER_WINDOW_CALLS = "retry.breaker.window.calls";
    public static final String BREAKER_OPEN_DURATION_MS = "retry.breaker.open.duration.ms";
    public static final String BREAKER_OPEN_DURATION_MAX_MS = "retry.breaker.open.duration.max.ms";
    public static final String BREAKER_OPEN_DURATION_MULTIPLIER = "retry.breaker.open.duration.multiplier";
    public static final String BREAKER_REOPEN_WINDOW_MS = "retry.breaker.reopen.window.ms";
    public static final String BREAKER_HALF_OPEN_CALLS = "retry.breaker.half.open.calls";

    public static final String TARGET_MAX_CONCURRENCY = "retry.target.max.concurrency";
    public static final String TARGET_MAX_RATE = "retry.target.max.rate.per.second";
    public static final String TARGET_MIN_RATE = "retry.target.min.rate.per.second";
    public static final String TARGET_RATE_DECREASE_FACTOR = "retry.target.rate.decrease.factor";
    public static final String TARGET_RATE_INCREASE_PERCENT = "retry.target.rate.increase.percent.per.second";

    public static final String PAUSE_MAX_WAITING_RECORDS = "retry.pause.max.waiting.records";
    public static final String RELEASE_SPREAD_MS = "retry.release.spread.ms";
    public static final String PUNCTUATE_INTERVAL_MS = "retry.punctuate.interval.ms";
    public static final String POLL_MS = "retry.poll.ms";
    public static final String SHUTDOWN_DRAIN_TIMEOUT_MS = "retry.shutdown.drain.timeout.ms";
    public static final String ROCKSDB_MEMORY_MB = "retry.rocksdb.memory.mb";
    public static final String DEAD_LETTER_BACKOFF_MAX_MS = "retry.dead.letter.backoff.max.ms";

    private static final ConfigDef CONFIG = define();

    /** Kafka Streams settings that the worker sets itself, with what a user sets instead. */
    private static final Map<String, String> FIXED_STREAMS_SETTINGS = Map.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            "the worker always runs with exactly_once_v2, which its crash safety needs; remove the setting",
            StreamsConfig.POLL_MS_CONFIG,
            "set " + POLL_MS + " instead",
            StreamsConfig.MAX_TASK_IDLE_MS_CONFIG,
            "the worker processes each tier as it arrives; remove the setting",
            StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
            "the worker bounds RocksDB's memory itself; set " + ROCKSDB_MEMORY_MB + " instead",
            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
            "the worker handles records it cannot write itself; remove the setting",
            StreamsConfig.DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
            "the worker handles records it cannot write itself; remove the setting");

    public RetryWorkerConfig(Map<String, ?> settings) {
        super(CONFIG, settings, false);
        rejectUnknownWorkerSettings(originals().keySet());
        FIXED_STREAMS_SETTINGS.forEach((name, instead) -> {
            if (originals().containsKey(name)) {
                throw new ConfigException(name, originals().get(name), instead);
            }
        });
        if (getInt(BREAKER_MINIMUM_CALLS) > getInt(BREAKER_WINDOW_CALLS)) {
            throw new ConfigException(
                    BREAKER_MINIMUM_CALLS,
                    getInt(BREAKER_MINIMUM_CALLS),
                    "must not exceed " + BREAKER_WINDOW_CALLS + " (" + getInt(BREAKER_WINDOW_CALLS) + ")");
        }
        if (getLong(BREAKER_OPEN_DURATION_MAX_MS) < getLong(BREAKER_OPEN_DURATION_MS)) {
            throw new ConfigException(
                    BREAKER_OPEN_DURATION_MAX_MS,
                    getLong(BREAKER_OPEN_DURATION_MAX_MS),
                    "must be at least " + BREAKER_OPEN_DURATION_MS + " (" + getLong(BREAKER_OPEN_DURATION_MS) + ")");
        }
        double maxRate = getDouble(TARGET_MAX_RATE);
        if (maxRate > 0 && maxRate < getDouble(TARGET_MIN_RATE)) {
            throw new ConfigException(
                    TARGET_MAX_RATE,
                    maxRate,
                    "must be 0 (no cap) or at least " + TARGET_MIN_RATE + " (" + getDouble(TARGET_MIN_RATE) + ")");
        }
        // Settings read into richer forms are checked here too, so a bad value stops the worker
        // before it connects to anything.
        PipelineSettings.ladder(this);
        PipelineSettings.jitter(this);
        StatusRanges.parse(RETRYABLE_HTTP_STATUSES, getList(RETRYABLE_HTTP_STATUSES));
        StatusRanges.parse(BREAKER_FAILURE_STATUSES, getList(BREAKER_FAILURE_STATUSES));
    }

    /**
     * Rejects a name that starts with {@code retry.} and that neither the worker nor Kafka declares,
     * such as retry.http.prot. Such a name would otherwise pass through to Kafka, which ignores it.
     * The message leaves the value out, since a misspelt retry.secret name contains a secret.
     */
    private static void rejectUnknownWorkerSettings(Set<String> names) {
        for (String name : names) {
            if (name.startsWith(WORKER_PREFIX)
                    && !name.startsWith(SECRET_PREFIX)
                    && !CONFIG.names().contains(name)
                    && !KafkaSettingNames.ALL.contains(name)) {
                String fix = SettingNames.closest(name, CONFIG.names())
                        .or(() -> closestSecretName(name))
                        .map(closest -> "did you mean " + closest + "?")
                        .orElse("use a name from the README's worker settings table");
                throw new ConfigException(
                        "Unknown setting " + name + ": neither the worker nor Kafka declares it; " + fix);
            }
        }
    }

    /**
     * Returns {@code retry.secret.<reference>} for a name that starts with a misspelling of
     * {@code retry.secret} followed by a dot or a dash, as in retry.secrt.payments, or empty.
     */
    private static Optional<String> closestSecretName(String name) {
        String family = SECRET_PREFIX.substring(0, SECRET_PREFIX.length() - 1);
        for (int end = WORKER_PREFIX.length(); end < name.length() - 1; end++) {
            char separator = name.charAt(end);
            if ((separator == '.' || separator == '-')
                    && SettingNames.closest(name.substring(0, end), List.of(family))
                            .isPresent()) {
                return Optional.of(SECRET_PREFIX + name.substring(end + 1));
            }
        }
        return Optional.empty();
    }

    /**
     * Throws {@link ConfigException} when {@code state.dir} is empty, is a file, is a symbolic link
     * to nothing, or cannot be created because the nearest existing parent is a file or is not
     * writable. Kafka Streams would find out only after the worker had checked and created its
     * topics. The constructor leaves this check out, so that settings can be read on a machine
     * other than the one that runs the worker.
     */
    public void checkStateDirectory() {
        String value = getString(STATE_DIR);
        if (value.isBlank()) {
            throw new ConfigException(
                    STATE_DIR, value, "must not be empty; set " + STATE_DIR + " to a directory the worker can write");
        }
        Path existing = Path.of(value).toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            if (Files.isSymbolicLink(existing)) {
                throw new ConfigException(
                        STATE_DIR,
                        value,
                        existing + " is a symbolic link to nothing; set " + STATE_DIR
                                + " to a directory the worker can write");
            }
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new ConfigException(
                    STATE_DIR,
                    value,
                    existing + " is a file, not a directory; set " + STATE_DIR + " to a directory the worker can"
                            + " write");
        }
        if (!Files.isWritable(existing)) {
            throw new ConfigException(
                    STATE_DIR,
                    value,
                    existing + " is not writable; set " + STATE_DIR + " to a directory the worker can write");
        }
    }

    /** Returns the declaration of every setting, from which the README's table is generated. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /** Returns the value of {@code retry.secret.<reference>}, or null when it is not set. */
    public String secret(String reference) {
        Object value = originals().get(SECRET_PREFIX + reference);
        if (value instanceof org.apache.kafka.common.config.types.Password password) {
            return password.value();
        }
        return value == null ? null : value.toString();
    }

    /** Returns every setting that is not declared here and is not a secret, for Kafka Streams. */
    /**
     * Returns the Kafka Streams settings that the worker sets itself and rejects when given, each with
     * what to do instead.
     */
    public static Map<String, String> fixedStreamsSettings() {
        return FIXED_STREAMS_SETTINGS;
    }

    public Map<String, Object> passThroughSettings() {
        Map<String, Object> settings = new HashMap<>(originals());
        for (String name : CONFIG.names()) {
            settings.remove(name);
        }
        settings.keySet().removeIf(name -> name.startsWith(SECRET_PREFIX));
        return settings;
    }

    private static ConfigDef define() {
        ConfigDef def = new ConfigDef();
        defineRuntime(def);
        PipelineSettings.define(def);
        defineTopics(def);
        defineAttempts(def);
        defineBreaker(def);
        defineOverload(def);
        return def;
    }

    private static void defineRuntime(ConfigDef def) {
        def.define(
                ROCKSDB_MEMORY_MB,
                Type.LONG,
                64L,
                Range.between(8, 65_536),
                Importance.MEDIUM,
                "Off-heap memory for all RocksDB state stores of one worker process together, in megabytes:"
                        + " a shared block cache, half of which memtables may use.");
        def.define(
                        BOOTSTRAP_SERVERS,
                        Type.LIST,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonNullValidator(),
                        Importance.HIGH,
                        "Kafka brokers to connect to, as host:port pairs.")
                .define(
                        APPLICATION_ID,
                        Type.STRING,
                        "retry-worker",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Kafka Streams application id: the consumer group of the workers and the prefix of their"
                                + " internal topics. Every replica of one worker deployment uses the same id.")
                .define(
                        STATE_DIR,
                        Type.STRING,
                        "state",
                        Importance.HIGH,
                        "Directory of the local state stores (RocksDB); a persistent volume avoids restoring them"
                                + " from Kafka after a restart.")
                .define(
                        NUM_STREAM_THREADS,
                        Type.INT,
                        2,
                        Range.between(1, 64),
                        Importance.MEDIUM,
                        "Kafka Streams threads per worker process.")
                .define(
                        WORKER_ID,
                        Type.STRING,
                        "",
                        Importance.LOW,
                        "Name of this worker instance in logs and dead letters; empty uses the host name.")
                .define(
                        HTTP_HOST,
                        Type.STRING,
                        "0.0.0.0",
                        Importance.LOW,
                        "Address the health and metrics endpoints listen on.")
                .define(
                        HTTP_PORT,
                        Type.INT,
                        8080,
                        Range.between(0, 65_535),
                        Importance.MEDIUM,
                        "Port of /health/live, /health/ready and /metrics; 0 picks a free port.")
                .define(
                        PUNCTUATE_INTERVAL_MS,
                        Type.INT,
                        10,
                        Range.between(1, 1000),
                        Importance.LOW,
                        "How often each task looks for due records and applies finished attempts, in"
                                + " milliseconds; bounds the scheduling delay of an attempt.")
                .define(
                        POLL_MS,
                        Type.INT,
                        5,
                        Range.between(1, 60_000),
                        Importance.LOW,
                        "How long a stream thread waits for new records when there are none, in milliseconds"
                                + " (Kafka Streams' poll.ms); each poll still returns after "
                                + PUNCTUATE_INTERVAL_MS + " at the latest, so due records start on time.")
                .define(
                        SHUTDOWN_DRAIN_TIMEOUT_MS,
                        Type.LONG,
                        20_000L,
                        Range.between(0, 600_000),
                        Importance.MEDIUM,
                        "On shutdown, how long to let calls in flight finish before their records are handed back"
                                + " to the group, in milliseconds.");
    }

    private static void defineTopics(ConfigDef def) {
        def.define(
                        TOPICS_CREATE,
                        Type.BOOLEAN,
                        false,
                        Importance.HIGH,
                        "Whether the worker creates missing tier and dead-letter topics at start-up; when false a"
                                + " missing topic stops start-up.")
                .define(
                        TOPICS_PARTITIONS,
                        Type.INT,
                        6,
                        Range.between(1, 10_000),
                        Importance.MEDIUM,
                        "Partitions of topics the worker creates; one partition is the unit of work of one worker"
                                + " thread.")
                .define(
                        TOPICS_REPLICATION_FACTOR,
                        Type.SHORT,
                        (short) -1,
                        Importance.MEDIUM,
                        "Replication factor of topics the worker creates; -1 uses the broker's default.");
    }

    private static void defineAttempts(ConfigDef def) {
        def.define(
                        MAX_ATTEMPTS_LIMIT,
                        Type.INT,
                        20,
                        Range.between(1, 100),
                        Importance.MEDIUM,
                        "Most attempts the worker makes for one operation in one budget, whatever the record asks"
                                + " for.")
                .define(
                        RETRYABLE_HTTP_STATUSES,
                        Type.LIST,
                        "408,425,429,500-599",
                        Importance.MEDIUM,
                        "HTTP statuses worth another attempt, as codes or ranges; other error statuses dead-letter"
                                + " the operation at once.")
                .define(
                        CALL_TIMEOUT_MS,
                        Type.INT,
                        10_000,
                        Range.between(1, 3_600_000),
                        Importance.MEDIUM,
                        "Timeout of one attempt in milliseconds, when the operation sets none.")
                .define(
                        MAX_IN_FLIGHT,
                        Type.INT,
                        256,
                        Range.between(1, 100_000),
                        Importance.MEDIUM,
                        "Most calls one worker process has in flight at once, over all targets.")
                .define(
                        ERROR_MESSAGE_MAX_CHARS,
                        Type.INT,
                        1024,
                        Range.between(64, 65_536),
                        Importance.LOW,
                        "Error text longer than this many characters is cut before it is written.")
                .define(
                        HISTORY_MAX_ENTRIES,
                        Type.INT,
                        16,
                        Range.between(1, 1000),
                        Importance.LOW,
                        "Events kept in an envelope's history; older ones are dropped so records do not grow.")
                .define(
                        ALLOWED_HOSTS,
                        Type.LIST,
                        "",
                        DescribedValidator.of("host names or *.domain patterns", RetryWorkerConfig::validateHosts),
                        Importance.HIGH,
                        "Hosts the HTTP handler may call, as names or *.domain patterns; a record aimed anywhere"
                                + " else is dead-lettered. Empty allows every host.")
                .define(
                        MAX_REDIRECTS,
                        Type.INT,
                        3,
                        Range.between(0, 10),
                        Importance.LOW,
                        "Redirects to the same scheme, host and port that one attempt follows; redirects elsewhere"
                                + " are never followed.")
                .define(
                        DEDUPE_RETENTION_MS,
                        Type.LONG,
                        7 * 24 * 3_600_000L,
                        Range.atLeast(1_000),
                        Importance.MEDIUM,
                        "How long a finished idempotency key is remembered, in milliseconds; a duplicate published"
                                + " later than this is treated as new.")
                .define(
                        DEAD_LETTER_BACKOFF_MAX_MS,
                        Type.LONG,
                        30_000L,
                        Range.between(100, 3_600_000),
                        Importance.LOW,
                        "Longest wait between attempts to write a dead letter while the dead-letter topic is not"
                                + " writable, in milliseconds.");
    }

    private static void defineBreaker(ConfigDef def) {
        def.define(
                BREAKER_FAILURE_STATUSES,
                Type.LIST,
                "502-504",
                Importance.MEDIUM,
                "HTTP statuses that count against a target's circuit breaker, as codes or ranges, besides"
                        + " connection failures and timeouts. Other error statuses are failures of one"
                        + " request, which a retry pipeline expects, and do not open the breaker.");
        def.define(
                        BREAKER_FAILURE_RATE_THRESHOLD,
                        Type.INT,
                        50,
                        Range.between(1, 100),
                        Importance.MEDIUM,
                        "Share of failed calls, in percent, at which a target's circuit breaker opens.")
                .define(
                        BREAKER_SLOW_CALL_RATE_THRESHOLD,
                        Type.INT,
                        100,
                        Range.between(1, 100),
                        Importance.LOW,
                        "Share of slow calls, in percent, at which the breaker opens; 100 opens only when every"
                                + " call is slow.")
                .define(
                        BREAKER_SLOW_CALL_DURATION_MS,
                        Type.LONG,
                        5_000L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "A call slower than this many milliseconds counts as slow.")
                .define(
                        BREAKER_MINIMUM_CALLS,
                        Type.INT,
                        20,
                        Range.between(1, 10_000),
                        Importance.MEDIUM,
                        "Calls a breaker must see before it computes failure and slow-call rates.")
                .define(
                        BREAKER_WINDOW_CALLS,
                        Type.INT,
                        50,
                        Range.between(1, 10_000),
                        Importance.LOW,
                        "Number of most recent calls the rates are computed over.")
                .define(
                        BREAKER_OPEN_DURATION_MS,
                        Type.LONG,
                        5_000L,
                        Range.between(1, 3_600_000),
                        Importance.MEDIUM,
                        "How long a breaker stays open before it lets trial calls through, in milliseconds.")
                .define(
                        BREAKER_OPEN_DURATION_MAX_MS,
                        Type.LONG,
                        60_000L,
                        Range.between(1, 3_600_000),
                        Importance.LOW,
                        "Longest open duration after repeated openings, in milliseconds.")
                .define(
                        BREAKER_OPEN_DURATION_MULTIPLIER,
                        Type.DOUBLE,
                        2.0,
                        Range.between(1.0, 10.0),
                        Importance.LOW,
                        "Factor by which the open duration grows each time the breaker opens again soon after it"
                                + " closed or failed its trial calls.")
                .define(
                        BREAKER_REOPEN_WINDOW_MS,
                        Type.LONG,
                        60_000L,
                        Range.atLeast(0),
                        Importance.LOW,
                        "An opening within this many milliseconds of the previous closing grows the open duration;"
                                + " a later one starts again from " + BREAKER_OPEN_DURATION_MS + ".")
                .define(
                        BREAKER_HALF_OPEN_CALLS,
                        Type.INT,
                        5,
                        Range.between(1, 1000),
                        Importance.MEDIUM,
                        "Trial calls a half-open breaker lets through to decide whether the target recovered.");
    }

    private static void defineOverload(ConfigDef def) {
        def.define(
                        TARGET_MAX_CONCURRENCY,
                        Type.INT,
                        64,
                        Range.between(1, 100_000),
                        Importance.MEDIUM,
                        "Most calls in flight to one target (scheme, host and port, or custom type) per worker"
                                + " process.")
                .define(
                        TARGET_MAX_RATE,
                        Type.DOUBLE,
                        0.0,
                        Range.atLeast(0.0),
                        Importance.MEDIUM,
                        "Most calls per second to one target per worker process; 0 sets no cap until the target"
                                + " signals overload.")
                .define(
                        TARGET_MIN_RATE,
                        Type.DOUBLE,
                        1.0,
                        Range.atLeast(0.01),
                        Importance.LOW,
                        "Floor of a target's allowed rate after overload signals, in calls per second.")
                .define(
                        TARGET_RATE_DECREASE_FACTOR,
                        Type.DOUBLE,
                        0.5,
                        Range.between(0.05, 0.95),
                        Importance.LOW,
                        "Factor applied to a target's allowed rate when it answers 429 or 503 or sends Retry-After,"
                                + " at most once per second.")
                .define(
                        TARGET_RATE_INCREASE_PERCENT,
                        Type.DOUBLE,
                        5.0,
                        Range.between(0.1, 100.0),
                        Importance.LOW,
                        "Each second without an overload signal, the allowed rate grows by this percent of the"
                                + " rate cap (or of the rate at the first overload signal when there is no cap).")
                .define(
                        PAUSE_MAX_WAITING_RECORDS,
                        Type.LONG,
                        200_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "The worker stops fetching new records while its tasks hold more waiting records than"
                                + " this; they resume below it.")
                .define(
                        RELEASE_SPREAD_MS,
                        Type.LONG,
                        2_000L,
                        Range.between(0, 600_000),
                        Importance.LOW,
                        "Records held back by an open breaker are released over this many milliseconds after it"
                                + " half-opens, so the backlog does not arrive at once.");
    }

    /** Checks that every listed value is a host name or a *.domain pattern. */
    private static void validateHosts(String name, Object value) {
        @SuppressWarnings("unchecked")
        List<String> hosts = (List<String>) value;
        for (String host : hosts) {
            if (!host.matches("(\\*\\.)?[A-Za-z0-9.-]+")) {
                throw new ConfigException(ALLOWED_HOSTS, hosts, "'" + host + "' is neither a host name nor *.domain");
            }
        }
    }
}
