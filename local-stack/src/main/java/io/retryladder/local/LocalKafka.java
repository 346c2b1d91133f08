package io.retryladder.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka KRaft broker (combined broker and controller) running inside the
 * current JVM on loopback ports.
 *
 * <p>The storage directory is formatted on first start and reused afterwards, so {@link #stop()}
 * followed by {@link #start()} restarts the same broker on the same data and ports. A broker built
 * without {@link Builder#dataDir(Path)} uses a temporary directory that {@link #close()} deletes.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final String PORTS_FILE = "local-kafka-ports.properties";

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Map<String, String> extraProperties;
    private final List<String> extraFormatArguments;
    private final ListenerSecurity security;
    private final Duration startTimeout;

    private int brokerPort;
    private int controllerPort;
    private KafkaRaftServer server;

    private LocalKafka(Builder builder) {
        this.ownsDataDir = builder.dataDir == null;
        this.dataDir = ownsDataDir ? createTempDir() : builder.dataDir;
        this.extraProperties = Map.copyOf(builder.brokerProperties);
        this.extraFormatArguments = List.copyOf(builder.formatArguments);
        this.security = builder.security;
        this.brokerPort = builder.brokerPort;
        this.controllerPort = builder.controllerPort;
        this.startTimeout = builder.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker with default settings in a temporary directory. */
    public static LocalKafka startDefault() {
        LocalKafka kafka = builder().build();
        kafka.start();
        return kafka;
    }

    /**
     * Formats the storage if needed and starts the broker, returning once it accepts client
     * connections.
     *
     * @throws IllegalStateException if the broker is already running or does not become ready
     *     within the start timeout
     */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("The local Kafka broker is already running on " + bootstrapServers());
        }
        long startNanos = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
            choosePorts();
            Properties props = brokerProperties();
            Path configFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "Written by " + LocalKafka.class.getName());
            }
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(configFile);
            }
            KafkaRaftServer raftServer = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            raftServer.startup();
            server = raftServer;
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to prepare the Kafka data directory " + dataDir, e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        log.info(
                "Local Kafka broker started on {} in {} ms (data in {})",
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                dataDir);
    }

    /** Stops the broker and waits until it has shut down; the data directory is kept. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long startNanos = System.nanoTime();
        KafkaRaftServer running = server;
        server = null;
        running.shutdown();
        running.awaitShutdown();
        log.info(
                "Local Kafka broker on 127.0.0.1:{} stopped in {} ms",
                brokerPort,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Returns the bootstrap servers string for clients, for example {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Returns client properties that reach this broker, including the listener's security settings. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.putAll(security.clientProperties());
        return props;
    }

    /** Stops the broker and deletes the data directory when this launcher created it. */
    @Override
    public synchronized void close() {
        stop();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("Failed to stop the local Kafka broker after a failed start", e);
        }
    }

    private void choosePorts() throws IOException {
        Path portsFile = dataDir.resolve(PORTS_FILE);
        Properties saved = new Properties();
        if (Files.exists(portsFile)) {
            try (var in = Files.newInputStream(portsFile)) {
                saved.load(in);
            }
        }
        // A formatted directory records the controller endpoint, so a restart must reuse both ports.
        if (brokerPort == 0) {
            brokerPort = Integer.parseInt(saved.getProperty("broker.port", "0"));
        }
        if (controllerPort == 0) {
            controllerPort = Integer.parseInt(saved.getProperty("controller.port", "0"));
        }
        if (brokerPort == 0) {
            brokerPort = FreePorts.pick();
        }
        if (controllerPort == 0) {
            controllerPort = FreePorts.pickOtherThan(brokerPort);
        }
        saved.setProperty("broker.port", Integer.toString(brokerPort));
        saved.setProperty("controller.port", Integer.toString(controllerPort));
        try (OutputStream out = Files.newOutputStream(portsFile)) {
            saved.store(out, "Ports of the local Kafka broker that owns this directory");
        }
    }

    private Properties brokerProperties() {
        Properties props = new Properties();
        String brokerListener = security.listenerName() + "://127.0.0.1:" + brokerPort;
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("listeners", brokerListener + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", brokerListener + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", security.listenerName());
        props.put(
                "listener.security.protocol.map",
                security.listenerName() + ":" + security.protocol() + ",CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("logs").toString());

        // A single node cannot hold more than one replica of anything.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        // The default 3 s delay before the first rebalance of each group only slows tests down.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        props.put("unclean.leader.election.enable", "false");
        props.putAll(security.brokerProperties());
        props.putAll(extraProperties);
        return props;
    }

    private void format(Path configFile) {
        List<String> args = new ArrayList<>(
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString(), "--standalone"));
        args.addAll(extraFormatArguments);
        args.addAll(security.formatArguments());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args.toArray(String[]::new), out);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("Formatting Kafka storage in " + dataDir + " failed with exit code "
                    + exitCode + ": " + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private void awaitReady() {
        Map<String, Object> props = clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + startTimeout.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    admin.listTopics().names().get(5, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "The local Kafka broker on " + bootstrapServers() + " did not accept clients within "
                                        + startTimeout.toSeconds() + " s",
                                e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the local Kafka broker", e);
                }
            }
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("local-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to create a temporary directory for the local Kafka broker", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("Failed to delete {}", dir, e);
        }
    }

    /** Settings for a {@link LocalKafka}; every setting is optional. */
    public static final class Builder {
        private Path dataDir;
        private int brokerPort;
        private int controllerPort;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final List<String> formatArguments = new ArrayList<>();
        private ListenerSecurity security = ListenerSecurity.plaintext();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** Keeps the broker's data in this directory, which survives {@link LocalKafka#close()}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Listens for clients on this loopback port; 0, the default, picks a free one. */
        public Builder brokerPort(int port) {
            this.brokerPort = checkPort("brokerPort", port);
            return this;
        }

        /** Listens for the KRaft controller on this loopback port; 0, the default, picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort("controllerPort", port);
            return this;
        }

        /** Adds or overrides a broker setting, for example {@code log.retention.ms}. */
        public Builder brokerProperty(String name, String value) {
            brokerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds arguments to the {@code kafka-storage format} command run before the first start. */
        public Builder formatArguments(String... args) {
            formatArguments.addAll(List.of(args));
            return this;
        }

        /** Secures the client listener, for example with SASL/SCRAM over TLS. */
        public Builder security(ListenerSecurity security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, got " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        public LocalKafka build() {
            return new LocalKafka(this);
        }

        private static int checkPort(String name, int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(name + " must be between 0 and 65535, got " + port);
            }
            return port;
        }
    }
}
