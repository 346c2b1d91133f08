package io.retryladder.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.config.PipelineSettings;
import io.retryladder.local.LocalKafka;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.producer.RetryPublisherConfig;
import io.retryladder.worker.RetryWorker;
import io.retryladder.worker.RetryWorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The components of one run: the broker (unless an existing cluster is used), the downstream, the
 * retry workers and the publisher the load generator calls through. {@link #close} stops them in
 * reverse order and is safe to call more than once, also on a stack that failed half-way through
 * starting.
 */
final class RunStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunStack.class);
    private static final String SERVICE_NAME = "local-run";
    private static final Duration WORKER_START_TIMEOUT = Duration.ofSeconds(120);
    /** Maximum wait for the real service behind the counting proxy; longer than the workers' call timeout. */
    private static final Duration PROXY_TIMEOUT = Duration.ofSeconds(30);

    private final RunOptions options;
    private final RunDirectory directory;
    private final Ladder ladder;
    private LocalKafka broker;
    private String bootstrapServers;
    private DownstreamServer downstream;
    private final List<RetryWorker> workers = new ArrayList<>();
    private RetryPublisher publisher;
    private boolean workersStopped;
    private boolean closed;

    private RunStack(RunOptions options, RunDirectory directory) {
        this.options = options;
        this.directory = directory;
        this.ladder = Ladder.of(options.topicPrefix(), options.tierDelays(), options.deadLetterTopic());
    }

    /** Starts every component, reporting each step to {@code progress}. */
    static RunStack start(RunOptions options, RunDirectory directory, Consumer<String> progress) {
        RunStack stack = new RunStack(options, directory);
        try {
            stack.startBroker(progress);
            stack.startDownstream(progress);
            stack.startWorkers(progress);
            stack.startPublisher();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    Ladder ladder() {
        return ladder;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Returns the settings every Kafka client of the run needs: bootstrap servers and --client-config. */
    Map<String, Object> clientSettings() {
        Map<String, Object> settings = new HashMap<>(options.clientSettings());
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return settings;
    }

    DownstreamServer downstream() {
        return downstream;
    }

    /** Returns the URL the load generator and the workers call. */
    URI downstreamUrl() {
        return downstream.baseUrl();
    }

    List<RetryWorker> workers() {
        return List.copyOf(workers);
    }

    RetryPublisher publisher() {
        return publisher;
    }

    /** Returns whether this stack started its own broker. */
    boolean ownsBroker() {
        return broker != null;
    }

    /**
     * Closes the publisher and stops the workers, which finish their calls in flight and commit their
     * outcomes first; the broker and the downstream keep running. Safe to call more than once.
     */
    synchronized void stopWorkers() {
        if (publisher != null) {
            runQuietly("the publisher", publisher::close);
            publisher = null;
        }
        if (workersStopped) {
            return;
        }
        // Workers close in parallel because each waits for its calls in flight and its last commit.
        List<Thread> closing = new ArrayList<>();
        for (RetryWorker worker : workers) {
            Thread thread = new Thread(
                    () -> runQuietly("worker " + worker.workerId(), worker::close), "close-" + worker.workerId());
            thread.start();
            closing.add(thread);
        }
        for (Thread thread : closing) {
            joinQuietly(thread);
        }
        workersStopped = true;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopWorkers();
        if (downstream != null) {
            runQuietly("the downstream", downstream::close);
        }
        if (broker != null) {
            runQuietly("the Kafka broker", broker::close);
        }
    }

    private void startBroker(Consumer<String> progress) {
        if (!options.inProcessBroker()) {
            bootstrapServers = options.bootstrapServers();
            progress.accept("Using the Kafka cluster at " + bootstrapServers);
            return;
        }
        long startNanos = System.nanoTime();
        broker = LocalKafka.builder()
                .dataDir(directory.brokerDir())
                .brokerPort(options.brokerPort())
                .build();
        try {
            broker.start();
        } catch (RuntimeException e) {
            broker = null;
            throw new IllegalStateException(
                    "The in-process Kafka broker failed to start on port " + options.brokerPort()
                            + (options.brokerPort() != 0 ? " (is the port free? --broker-port 0 picks a free one)" : "")
                            + ": " + e.getMessage(),
                    e);
        }
        bootstrapServers = broker.bootstrapServers();
        progress.accept("Kafka broker started on " + bootstrapServers + " in " + seconds(startNanos));
    }

    private void startDownstream(Consumer<String> progress) {
        if (options.scriptedDownstream()) {
            downstream =
                    DownstreamServer.start("127.0.0.1", 0, new ScriptedResponder(options.script(), Clock.systemUTC()));
            progress.accept("Scripted downstream listening on " + downstream.baseUrl() + ": "
                    + DownstreamMain.describe(options.script()));
            return;
        }
        downstream =
                DownstreamServer.start("127.0.0.1", 0, new ForwardingResponder(options.downstreamUrl(), PROXY_TIMEOUT));
        progress.accept("Counting proxy on " + downstream.baseUrl() + " forwards to " + options.downstreamUrl());
    }

    private void startWorkers(Consumer<String> progress) {
        long startNanos = System.nanoTime();
        for (int i = 1; i <= options.workers(); i++) {
            workers.add(RetryWorker.start(workerSettings("worker-" + i)));
        }
        for (RetryWorker worker : workers) {
            worker.awaitRunning(WORKER_START_TIMEOUT);
        }
        progress.accept(options.workers() + " retry worker(s) running in group " + options.applicationId() + " in "
                + seconds(startNanos) + "; tiers " + ladder.tierTopics() + " with " + options.partitions()
                + " partitions each, dead letters to " + ladder.deadLetterTopic());
    }

    private Map<String, Object> workerSettings(String workerId) {
        Map<String, Object> settings = new HashMap<>(clientSettings());
        settings.put(RetryWorkerConfig.APPLICATION_ID, options.applicationId());
        settings.put(RetryWorkerConfig.WORKER_ID, workerId);
        settings.put(
                RetryWorkerConfig.STATE_DIR, directory.workerStateDir(workerId).toString());
        settings.put(RetryWorkerConfig.NUM_STREAM_THREADS, "1");
        settings.put(RetryWorkerConfig.TOPICS_CREATE, "true");
        settings.put(RetryWorkerConfig.TOPICS_PARTITIONS, Integer.toString(options.partitions()));
        settings.put(RetryWorkerConfig.HTTP_HOST, "127.0.0.1");
        settings.put(RetryWorkerConfig.HTTP_PORT, "0");
        settings.putAll(ladderSettings());
        return settings;
    }

    private void startPublisher() {
        Map<String, Object> settings = new HashMap<>(clientSettings());
        settings.put(RetryPublisherConfig.SERVICE_NAME, SERVICE_NAME);
        settings.putAll(ladderSettings());
        HttpClient httpClient =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        publisher = RetryPublisher.builder(settings)
                .httpClient(httpClient)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
    }

    private Map<String, Object> ladderSettings() {
        return Map.of(
                PipelineSettings.TIER_DELAYS_MS, options.tierDelaysSetting(),
                PipelineSettings.TOPIC_PREFIX, options.topicPrefix(),
                PipelineSettings.DEAD_LETTER_TOPIC, options.deadLetterTopic());
    }

    private static void runQuietly(String component, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            log.warn("Failed to close {}", component, e);
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
