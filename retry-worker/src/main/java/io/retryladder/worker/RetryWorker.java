package io.retryladder.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.retryladder.envelope.DueTimes;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.Tier;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.config.PipelineSettings;
import io.retryladder.envelope.config.StatusRanges;
import io.retryladder.worker.internal.ArrivalTimestampExtractor;
import io.retryladder.worker.internal.BoundedRocksDbConfig;
import io.retryladder.worker.internal.CallDispatcher;
import io.retryladder.worker.internal.ClientSettings;
import io.retryladder.worker.internal.CommittedTransactions;
import io.retryladder.worker.internal.DeadLetterGate;
import io.retryladder.worker.internal.EnvelopeTransitions;
import io.retryladder.worker.internal.HandlerRegistry;
import io.retryladder.worker.internal.HealthServer;
import io.retryladder.worker.internal.HostAllowList;
import io.retryladder.worker.internal.HttpAttemptHandler;
import io.retryladder.worker.internal.OutcomeReporter;
import io.retryladder.worker.internal.PauseController;
import io.retryladder.worker.internal.PausingClientSupplier;
import io.retryladder.worker.internal.RetryProcessor;
import io.retryladder.worker.internal.TopicLayout;
import io.retryladder.worker.internal.TopicSetup;
import io.retryladder.worker.internal.WorkerMetrics;
import io.retryladder.worker.internal.WorkerProductionExceptionHandler;
import io.retryladder.worker.internal.WorkerRuntime;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A retry worker: a Kafka Streams application that consumes the tier topics, re-attempts each
 * operation when it is due, deduplicates on the idempotency key, and routes operations down the
 * ladder or to the dead-letter topic. Run as many as the tier partitions allow; they share the work
 * as one consumer group.
 */
public final class RetryWorker implements AutoCloseable {

    /** How long {@link #close()} waits for Kafka Streams to commit and leave the group, after draining calls. */
    public static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** How much longer than the main consumer's session timeout the default transaction timeout is. */
    static final long TRANSACTION_TIMEOUT_MARGIN_MS = 10_000;
    /** The broker's default transaction.max.timeout.ms, which a producer's transaction timeout must not exceed. */
    static final long BROKER_TRANSACTION_TIMEOUT_MAX_MS = 900_000;

    private static final Logger log = LoggerFactory.getLogger(RetryWorker.class);

    private final RetryWorkerConfig config;
    private final String workerId;
    private final Admin admin;
    private final CallDispatcher dispatcher;
    private final DeadLetterGate deadLetterGate;
    private final OutcomeReporter reporter;
    private final PauseController pauseController;
    /** Null until the constructor builds it, because the health endpoints serve requests from the start. */
    private volatile KafkaStreams streams;

    private final HealthServer health;
    private final PrometheusMeterRegistry registry;
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics;
    private final AtomicInteger rebalances = new AtomicInteger();
    private volatile String failure;
    private volatile boolean closed;

    private RetryWorker(Builder builder) {
        this.config = new RetryWorkerConfig(builder.settings);
        this.workerId = workerId(config);
        Ladder ladder = PipelineSettings.ladder(config);
        DueTimes dueTimes = new DueTimes(ladder, PipelineSettings.jitter(config));
        this.registry =
                builder.registry != null ? builder.registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Kafka Streams would find an invalid client setting only after the topic checks, and its
        // failed constructor leaves clients running.
        checkClientSettings(config);
        config.checkStateDirectory();
        // Listening before the broker checks makes a port in use fail at once.
        this.health = new HealthServer(
                config.getString(RetryWorkerConfig.HTTP_HOST),
                config.getInt(RetryWorkerConfig.HTTP_PORT),
                this::isLive,
                this::isReady,
                this::describe,
                registry);
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        opened.push(health);
        try {
            this.admin = Admin.create(adminSettings(config));
            // A plain close would wait for the failed requests' own timeout, 60 s by default, before
            // the worker could report why it cannot start.
            opened.push(() -> admin.close(Duration.ZERO));
            TopicLayout layout = TopicSetup.prepare(admin, ladder, config);
            this.reporter = new OutcomeReporter(reporterSettings(config));
            opened.push(reporter);

            WorkerMetrics metrics = new WorkerMetrics(registry, ladder);
            HttpAttemptHandler http = new HttpAttemptHandler(
                    HttpAttemptHandler.newClient(
                            Duration.ofMillis(Math.min(10_000, config.getInt(RetryWorkerConfig.CALL_TIMEOUT_MS)))),
                    StatusRanges.parse(
                            RetryWorkerConfig.RETRYABLE_HTTP_STATUSES,
                            config.getList(RetryWorkerConfig.RETRYABLE_HTTP_STATUSES)),
                    Duration.ofMillis(config.getInt(RetryWorkerConfig.CALL_TIMEOUT_MS)),
                    new HostAllowList(config.getList(RetryWorkerConfig.ALLOWED_HOSTS)),
                    config.getInt(RetryWorkerConfig.MAX_REDIRECTS),
                    config::secret,
                    builder.clock);
            opened.push(http);
            HandlerRegistry handlers = builder.handlers != null
                    ? HandlerRegistry.of(builder.handlers)
                    : HandlerRegistry.load(RetryWorker.class.getClassLoader());
            this.dispatcher = new CallDispatcher(config, http, handlers, metrics, builder.clock);
            this.deadLetterGate = new DeadLetterGate(admin, ladder.deadLetterTopic());
            opened.push(deadLetterGate);
            this.pauseController = new PauseController(
                    dispatcher, metrics, config.getLong(RetryWorkerConfig.PAUSE_MAX_WAITING_RECORDS));
            opened.push(pauseController);

            EnvelopeCodec codec = PipelineSettings.codec(config);
            CommittedTransactions transactions = new CommittedTransactions();
            Properties streamsSettings = streamsSettings(config, deadLetterGate);
            WorkerRuntime runtime = new WorkerRuntime(
                    workerId,
                    ladder,
                    dueTimes,
                    codec,
                    EnvelopeCodec.singleObject(),
                    new EnvelopeTransitions(
                            dueTimes,
                            config.getInt(RetryWorkerConfig.HISTORY_MAX_ENTRIES),
                            config.getInt(RetryWorkerConfig.ERROR_MESSAGE_MAX_CHARS),
                            workerId),
                    dispatcher,
                    reporter,
                    deadLetterGate,
                    metrics,
                    layout,
                    builder.clock,
                    config.getInt(RetryWorkerConfig.PUNCTUATE_INTERVAL_MS),
                    config.getInt(RetryWorkerConfig.MAX_ATTEMPTS_LIMIT),
                    config.getLong(RetryWorkerConfig.DEDUPE_RETENTION_MS),
                    config.getLong(RetryWorkerConfig.RELEASE_SPREAD_MS),
                    config.getLong(RetryWorkerConfig.DEAD_LETTER_BACKOFF_MAX_MS),
                    1_048_576,
                    config.getInt(RetryWorkerConfig.CALL_TIMEOUT_MS),
                    transactions,
                    mainConsumerMillis(streamsSettings, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG) / 2);

            PausingClientSupplier clients = new PausingClientSupplier(
                    new HashSet<>(ladder.tierTopics()),
                    pauseController::isPaused,
                    Duration.ofMillis(config.getInt(RetryWorkerConfig.PUNCTUATE_INTERVAL_MS)),
                    transactions);
            metrics.registerPausedPartitions(clients::heldPartitions);
            metrics.registerCallsInFlight(dispatcher::callsInFlight);
            KafkaStreams streams = new KafkaStreams(topology(runtime), streamsSettings, clients);
            opened.push(() -> streams.close(Duration.ZERO));
            streams.setUncaughtExceptionHandler(error -> {
                AuthorizationException denied = authorizationFailure(error);
                if (denied != null) {
                    // A new thread would fail the same way at once; stop and say which ACL is missing.
                    log.error(
                            "Worker {} stops: Kafka refused it access ({}). Grant the worker's principal the ACLs"
                                    + " listed in docs/security.md and start it again",
                            workerId,
                            denied.getMessage());
                    failure = "not authorized: " + denied.getMessage();
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
                log.error(
                        "A stream thread of worker {} failed; replacing it, and its tasks resume from their last"
                                + " commit",
                        workerId,
                        error);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            Counter rebalanceCounter = Counter.builder("retry.worker.rebalances")
                    .description("Times this worker went from RUNNING into a rebalance")
                    .register(registry);
            streams.setStateListener((newState, oldState) -> {
                if (oldState == KafkaStreams.State.RUNNING && newState == KafkaStreams.State.REBALANCING) {
                    rebalances.incrementAndGet();
                    rebalanceCounter.increment();
                }
                log.info("Worker {} changed from {} to {}", workerId, oldState, newState);
            });
            this.streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(registry);
            opened.push(streamsMetrics);
            // An application that passes its own registry decides which process meters it carries.
            this.gcMetrics = builder.registry == null ? bindProcessMeters(registry) : null;
            if (gcMetrics != null) {
                opened.push(gcMetrics);
            }
            for (Tier tier : ladder.tiers()) {
                Gauge.builder("retry.worker.tier.lag", () -> consumerLag(tier.topic()))
                        .description("Records in a tier topic that this worker's consumers have not read yet")
                        .tag("tier", tier.topic())
                        .register(registry);
            }

            if (config.getList(RetryWorkerConfig.ALLOWED_HOSTS).isEmpty()) {
                log.warn(
                        "{} is empty, so a record written to a tier topic can make this worker call any host;"
                                + " set it to the hosts of the downstream services",
                        RetryWorkerConfig.ALLOWED_HOSTS);
            }
            if (ForkJoinPool.getCommonPoolParallelism() < 2) {
                log.warn(
                        "The common fork-join pool has parallelism {}, so the JDK HTTP client starts a new thread"
                                + " for every response; start the JVM with"
                                + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                        ForkJoinPool.getCommonPoolParallelism());
            }
            this.streams = streams;
            deadLetterGate.start();
            pauseController.start();
            streams.start();
            log.info(
                    "Worker {} started: tiers {} -> {}, {} partitions each, health and metrics on port {}",
                    workerId,
                    ladder.tierTopics(),
                    ladder.deadLetterTopic(),
                    layout.tierPartitions(),
                    health.port());
        } catch (RuntimeException | Error e) {
            closeAfterFailedStart(opened, e);
            throw e;
        }
    }

    /** Closes what a failed start opened, newest first, so that no client, thread or port outlives it. */
    private static void closeAfterFailedStart(Deque<AutoCloseable> opened, Throwable failure) {
        for (AutoCloseable resource : opened) {
            try {
                resource.close();
            } catch (Exception | Error e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Starts a worker with the given settings; see {@link RetryWorkerConfig} for their names. */
    public static RetryWorker start(Map<String, ?> settings) {
        return builder(settings).start();
    }

    public static Builder builder(Map<String, ?> settings) {
        return new Builder(settings);
    }

    public String workerId() {
        return workerId;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Returns the port of the health and metrics endpoints. */
    public int httpPort() {
        return health.port();
    }

    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** Returns the calls this worker has in flight now. */
    public int callsInFlight() {
        return dispatcher.callsInFlight();
    }

    /**
     * Returns why the worker stopped on its own, for example because Kafka refused it access, or null
     * while it runs or after {@link #close()}.
     */
    public String failure() {
        KafkaStreams.State state = streams.state();
        if (failure != null) {
            return failure;
        }
        return !closed && (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING)
                ? "Kafka Streams is " + state
                : null;
    }

    /** Returns how many times this worker went from RUNNING into a rebalance. */
    public int rebalances() {
        return rebalances.get();
    }

    /** Returns whether the worker currently holds its tier partitions paused. */
    public boolean isPaused() {
        return pauseController.isPaused();
    }

    /** Waits until the worker processes records, or throws when it does not within {@code timeout}. */
    public RetryWorker awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Worker " + workerId + " was not RUNNING within " + timeout + "; it is " + streams.state());
            }
            sleep(20);
        }
        return this;
    }

    /**
     * Stops the worker: it starts no new attempts, lets calls in flight finish and commits their
     * outcomes (up to {@code retry.shutdown.drain.timeout.ms}), then leaves the group. Records whose
     * calls did not finish stay in the timer store and their next owner calls them again.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long startNanos = System.nanoTime();
        dispatcher.drain();
        long drainDeadline =
                startNanos + TimeUnit.MILLISECONDS.toNanos(config.getLong(RetryWorkerConfig.SHUTDOWN_DRAIN_TIMEOUT_MS));
        while (dispatcher.callsInFlight() > 0 && System.nanoTime() < drainDeadline) {
            sleep(10);
        }
        int unfinished = dispatcher.callsInFlight();
        // Give the punctuators a moment to apply the last outcomes before the final commit.
        sleep(Math.max(50, 4L * config.getInt(RetryWorkerConfig.PUNCTUATE_INTERVAL_MS)));
        // Leaving the group hands this worker's tasks to the others at once; staying would leave them
        // unowned, and their due records waiting, until the session timeout expires.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(STREAMS_CLOSE_TIMEOUT));
        streamsMetrics.close();
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        reporter.close();
        dispatcher.close();
        pauseController.close();
        deadLetterGate.close();
        health.close();
        admin.close();
        log.info(
                "Worker {} stopped in {} ms; {} calls were still in flight and go back to the group",
                workerId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                unfinished);
    }

    /** Returns the sum of the main consumers' records-lag over the partitions of {@code topic}. */
    private double consumerLag(String topic) {
        double lag = 0;
        for (Metric metric : streams.metrics().values()) {
            MetricName name = metric.metricName();
            if (name.name().equals("records-lag")
                    && name.group().equals("consumer-fetch-manager-metrics")
                    && topic.equals(name.tags().get("topic"))
                    && metric.metricValue() instanceof Number value
                    && !Double.isNaN(value.doubleValue())) {
                lag += value.doubleValue();
            }
        }
        return lag;
    }

    private boolean isLive() {
        KafkaStreams streams = this.streams;
        if (streams == null) {
            return true;
        }
        KafkaStreams.State state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR;
    }

    private boolean isReady() {
        KafkaStreams streams = this.streams;
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    private String describe() {
        KafkaStreams streams = this.streams;
        return "worker " + workerId + ": " + (streams == null ? "STARTING" : streams.state());
    }

    private static Topology topology(WorkerRuntime runtime) {
        Ladder ladder = runtime.ladder();
        Topology topology = new Topology();
        topology.addSource(
                AutoOffsetReset.earliest(),
                "tiers",
                new ArrivalTimestampExtractor(runtime.topics().logAppendTime()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                ladder.tierTopics().toArray(String[]::new));
        topology.addProcessor("retry", () -> new RetryProcessor(runtime), "tiers");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(RetryProcessor.TIMERS),
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withCachingDisabled(),
                "retry");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(RetryProcessor.OPERATIONS),
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withCachingDisabled(),
                "retry");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(RetryProcessor.EXPIRY),
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withCachingDisabled(),
                "retry");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(RetryProcessor.STARTS),
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withCachingDisabled(),
                "retry");
        for (Tier tier : ladder.tiers()) {
            topology.addSink(
                    RetryProcessor.tierSink(tier.index()),
                    tier.topic(),
                    new ByteArraySerializer(),
                    new ByteArraySerializer(),
                    "retry");
        }
        topology.addSink(
                RetryProcessor.DEAD_LETTER_SINK,
                ladder.deadLetterTopic(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                "retry");
        return topology;
    }

    /** Binds the JVM's memory, garbage collection, thread, class loading and CPU meters, and returns the GC meters to close. */
    private static JvmGcMetrics bindProcessMeters(PrometheusMeterRegistry registry) {
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return gcMetrics;
    }

    /**
     * Throws {@link org.apache.kafka.common.config.ConfigException} for an invalid value among the
     * settings that Kafka Streams derives for itself and each of its clients.
     */
    static void checkClientSettings(RetryWorkerConfig config) {
        ClientSettings.check(streamsSettings(config, null));
    }

    /** Returns the Kafka Streams settings; without a {@code gate}, they serve only to check values. */
    private static Properties streamsSettings(RetryWorkerConfig config, DeadLetterGate gate) {
        Properties settings = new Properties();
        settings.putAll(config.passThroughSettings());
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(RetryWorkerConfig.APPLICATION_ID));
        settings.put(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                String.join(",", config.getList(RetryWorkerConfig.BOOTSTRAP_SERVERS)));
        settings.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(RetryWorkerConfig.STATE_DIR));
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(RetryWorkerConfig.NUM_STREAM_THREADS));
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        settings.put(StreamsConfig.POLL_MS_CONFIG, config.getInt(RetryWorkerConfig.POLL_MS));
        settings.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        settings.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, WorkerProductionExceptionHandler.class);
        if (gate != null) {
            settings.put(WorkerProductionExceptionHandler.GATE_SETTING, gate);
        }
        settings.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        settings.put(BoundedRocksDbConfig.MEMORY_SETTING, config.getLong(RetryWorkerConfig.ROCKSDB_MEMORY_MB));
        settings.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        applyClientDefaults(settings);
        String transactionWarning = transactionTimeoutWarning(settings);
        if (gate != null && transactionWarning != null) {
            log.warn(transactionWarning);
        }
        return settings;
    }

    /**
     * Adds the worker's defaults for Kafka Streams and its clients that {@code settings} do not
     * set, with or without a client prefix.
     */
    static void applyClientDefaults(Properties settings) {
        // A record of the next tier waits for that tier's delay (a second or more by default), so a
        // commit every 200 ms delays no attempt and writes half the transaction markers of 100 ms.
        settings.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        consumerDefault(settings, StreamsConfig.CONSUMER_PREFIX, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        // A tier record waits in the timer store until it is due, so fetching it up to 20 ms later
        // makes no attempt late, and fewer, larger fetches cost the worker and the broker less.
        consumerDefault(settings, StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 65_536);
        consumerDefault(settings, StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        // Each store change is a changelog record, about five per attempt, so batches fill fast.
        if (!settings.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
            settings.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 131_072);
        }
        // A crashed worker's tasks wait for the session timeout before others take them over.
        consumerDefault(settings, StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        // A rebalance that waits for a crashed worker lasts up to the session timeout, and Kafka
        // Streams commits nothing until it ends. A transaction open longer than transaction.timeout.ms
        // aborts and takes back the results of the calls it applied, so the default outlasts the
        // session timeout by TRANSACTION_TIMEOUT_MARGIN_MS, up to what a broker allows by default.
        String transactionTimeout = ProducerConfig.TRANSACTION_TIMEOUT_CONFIG;
        Long sessionTimeoutMs = mainConsumerMillis(settings, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        if (!settings.containsKey(transactionTimeout)
                && !settings.containsKey(StreamsConfig.producerPrefix(transactionTimeout))
                && sessionTimeoutMs != null) {
            settings.put(StreamsConfig.producerPrefix(transactionTimeout), (int)
                    Math.min(BROKER_TRANSACTION_TIMEOUT_MAX_MS, sessionTimeoutMs + TRANSACTION_TIMEOUT_MARGIN_MS));
        }
    }

    /**
     * Returns a warning when the producer's transaction timeout leaves less than half of {@link
     * #TRANSACTION_TIMEOUT_MARGIN_MS} beyond the main consumer's session timeout, or null.
     */
    static String transactionTimeoutWarning(Properties settings) {
        Long sessionTimeoutMs = mainConsumerMillis(settings, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        // A prefixed setting wins over the same setting without a prefix.
        String name = StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        if (!settings.containsKey(name)) {
            name = ProducerConfig.TRANSACTION_TIMEOUT_CONFIG;
        }
        Long transactionTimeoutMs = millis(settings, name);
        if (sessionTimeoutMs == null || transactionTimeoutMs == null) {
            return null;
        }
        long advisedMs = Math.min(BROKER_TRANSACTION_TIMEOUT_MAX_MS, sessionTimeoutMs + TRANSACTION_TIMEOUT_MARGIN_MS);
        if (transactionTimeoutMs >= Math.min(advisedMs, sessionTimeoutMs + TRANSACTION_TIMEOUT_MARGIN_MS / 2)) {
            return null;
        }
        return name + "=" + transactionTimeoutMs + " leaves less than " + TRANSACTION_TIMEOUT_MARGIN_MS / 2 / 1000
                + " s beyond the session timeout of " + sessionTimeoutMs
                + " ms. A rebalance that waits for a crashed worker can then abort another worker's transaction,"
                + " and the results it applied come back only through handover reports. Set " + name + " to "
                + advisedMs + " or more, or leave it unset";
    }

    /** Returns a main consumer setting in milliseconds as Kafka Streams resolves its prefixes, or null. */
    private static Long mainConsumerMillis(Properties settings, String name) {
        for (String key : List.of(StreamsConfig.mainConsumerPrefix(name), StreamsConfig.consumerPrefix(name), name)) {
            if (settings.containsKey(key)) {
                return millis(settings, key);
            }
        }
        return ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG.equals(name) ? 45_000L : null;
    }

    /** Returns a setting as a number, or null when it is absent or not a number; the settings check reports that. */
    private static Long millis(Properties settings, String key) {
        Object value = settings.get(key);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Sets {@code prefix + name} to {@code value} unless the settings give {@code name} without a
     * prefix or with a consumer prefix. A prefixed default would otherwise win over the user's
     * setting without a prefix.
     */
    private static void consumerDefault(Properties settings, String prefix, String name, Object value) {
        if (!settings.containsKey(name)
                && !settings.containsKey(StreamsConfig.consumerPrefix(name))
                && !settings.containsKey(StreamsConfig.mainConsumerPrefix(name))) {
            settings.put(prefix + name, value);
        }
    }

    private static Map<String, Object> adminSettings(RetryWorkerConfig config) {
        Map<String, Object> settings = new HashMap<>();
        config.passThroughSettings().forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name)) {
                settings.put(name, value);
            }
        });
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(RetryWorkerConfig.BOOTSTRAP_SERVERS));
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, config.getString(RetryWorkerConfig.APPLICATION_ID) + "-admin");
        return settings;
    }

    private static AuthorizationException authorizationFailure(Throwable error) {
        return causeOfType(error, AuthorizationException.class);
    }

    /** Returns the first exception of {@code type} in the cause chain of {@code error}, or null. */
    static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static Map<String, Object> reporterSettings(RetryWorkerConfig config) {
        Map<String, Object> settings = new HashMap<>();
        config.passThroughSettings().forEach((name, value) -> {
            if (ProducerConfig.configNames().contains(name)) {
                settings.put(name, value);
            }
        });
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(RetryWorkerConfig.BOOTSTRAP_SERVERS));
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, config.getString(RetryWorkerConfig.APPLICATION_ID) + "-handover");
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return settings;
    }

    private static String workerId(RetryWorkerConfig config) {
        String configured = config.getString(RetryWorkerConfig.WORKER_ID);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker-" + ProcessHandle.current().pid();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Optional collaborators of a {@link RetryWorker}. */
    public static final class Builder {
        private final Map<String, ?> settings;
        private Clock clock = Clock.systemUTC();
        private Iterable<OperationHandler> handlers;
        private PrometheusMeterRegistry registry;

        private Builder(Map<String, ?> settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** Sets the clock used for due times and failure timestamps. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Uses exactly these custom handlers instead of those ServiceLoader finds. */
        public Builder handlers(Iterable<OperationHandler> handlers) {
            this.handlers = Objects.requireNonNull(handlers, "handlers");
            return this;
        }

        /** Registers the worker's meters here instead of in a registry of its own. */
        public Builder meterRegistry(PrometheusMeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public RetryWorker start() {
            return new RetryWorker(this);
        }
    }
}
