package io.retryladder.bench;

import io.retryladder.local.FreePorts;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product: operations published with {@link RetryPublisher} (attempt 1 recorded as an HTTP 503
 * without a call) and re-attempted by the retry worker's runnable jar in its own JVM.
 */
public final class ProductSystem implements SystemUnderTest {

    private static final Logger log = LoggerFactory.getLogger(ProductSystem.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final int MAX_UNACKNOWLEDGED = 20_000;

    private final Path workerJar;
    private final WorkerOptions options;
    private final Map<String, Integer> metricsPorts = new ConcurrentHashMap<>();

    public ProductSystem(Path workerJar, WorkerOptions options) {
        this.workerJar = workerJar;
        this.options = options;
    }

    @Override
    public String name() {
        return "product";
    }

    @Override
    public List<TopicSpec> topics(TrialContext trial) {
        String prefix = topicPrefix(trial);
        // LogAppendTime on the tiers, as the worker sets when it creates them itself.
        return List.of(
                new TopicSpec(prefix + "1s", true),
                new TopicSpec(prefix + "4s", true),
                new TopicSpec(prefix + "16s", true),
                new TopicSpec(deadLetterTopic(trial), true));
    }

    @Override
    public ChildJvm start(TrialContext trial) throws InterruptedException {
        int port = FreePorts.pick();
        Path settingsFile = trial.workDir().resolve("worker.properties");
        writeSettings(settingsFile, workerSettings(trial, port));
        List<String> jvmOptions =
                new ArrayList<>(List.of("-Xmx" + options.heapMb() + "m", "-XX:+ExitOnOutOfMemoryError"));
        if (options.flightRecording()) {
            jvmOptions.add("-XX:FlightRecorderOptions=stackdepth=256");
            jvmOptions.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + trial.workDir().resolve("worker.jfr"));
        }
        ChildJvm worker = ChildJvm.start(
                "retry worker",
                jvmOptions,
                List.of("-jar", workerJar.toString(), "--config", settingsFile.toString()),
                trial.workDir().resolve("worker.log"));
        awaitReady(worker, port);
        metricsPorts.put(trial.trialId(), port);
        return worker;
    }

    /** Saves the worker's Prometheus metrics, its own view of lateness and deferrals, as worker-metrics.txt. */
    @Override
    public void collect(TrialContext trial) {
        Integer port = metricsPorts.remove(trial.trialId());
        if (port == null) {
            return;
        }
        Path file = trial.workDir().resolve("worker-metrics.txt");
        HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build();
        try {
            HttpClient.newHttpClient().send(metrics, HttpResponse.BodyHandlers.ofFile(file));
        } catch (IOException e) {
            log.warn("Trial {}: could not save the worker's metrics: {}", trial.trialId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public OperationPublisher publisher(TrialContext trial, TrialRecorder recorder) {
        RetryPublisher publisher = RetryPublisher.create(Map.of(
                "bootstrap.servers", trial.bootstrapServers(),
                "retry.service.name", "bench",
                "retry.topic.prefix", topicPrefix(trial),
                "retry.dead.letter.topic", deadLetterTopic(trial)));
        return new Publisher(publisher, trial, recorder);
    }

    @Override
    public String entryTopic(TrialContext trial) {
        return topicPrefix(trial) + "1s";
    }

    @Override
    public String entryGroup(TrialContext trial) {
        return applicationId(trial);
    }

    @Override
    public String deadLetterTopic(TrialContext trial) {
        return trial.trialId() + "-retry-dlq";
    }

    @Override
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("retry-worker runnable jar, -Xmx" + options.heapMb() + "m");
        workerSettings(null, 0).forEach((name, value) -> lines.add(name + "=" + value));
        return lines;
    }

    /** Returns the worker settings the harness chooses; {@code trial} null leaves out per-trial names. */
    private Map<String, String> workerSettings(TrialContext trial, int port) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (trial != null) {
            settings.put("bootstrap.servers", trial.bootstrapServers());
            settings.put("application.id", applicationId(trial));
            settings.put("state.dir", trial.workDir().resolve("state").toString());
            settings.put("retry.topic.prefix", topicPrefix(trial));
            settings.put("retry.dead.letter.topic", deadLetterTopic(trial));
            settings.put("retry.http.port", Integer.toString(port));
        }
        settings.put("retry.http.host", "127.0.0.1");
        settings.put("retry.topics.create", "false");
        settings.put("num.stream.threads", Integer.toString(options.streamThreads()));
        settings.put("retry.max.in.flight", Integer.toString(options.maxInFlight()));
        settings.put("retry.target.max.concurrency", Integer.toString(options.targetConcurrency()));
        // Failed attempts are per-key responses of a healthy service, and the peer has no breaker at all.
        settings.put("retry.breaker.failure.rate.threshold.percent", "100");
        settings.putAll(options.extraSettings());
        return settings;
    }

    private static void writeSettings(Path file, Map<String, String> settings) {
        Properties properties = new Properties();
        properties.putAll(settings);
        try (Writer out = Files.newBufferedWriter(file)) {
            properties.store(out, "Retry worker settings written by the benchmark harness");
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to write " + file, e);
        }
    }

    private static void awaitReady(ChildJvm worker, int port) throws InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            worker.requireAlive();
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "The retry worker was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + worker.logFile());
    }

    private static String topicPrefix(TrialContext trial) {
        return trial.trialId() + "-retry-";
    }

    private static String applicationId(TrialContext trial) {
        return trial.trialId() + "-worker";
    }

    /** Publishes through RetryPublisher, recording each envelope's due time for attempt 2. */
    private static final class Publisher implements OperationPublisher {
        private final RetryPublisher publisher;
        private final TrialContext trial;
        private final TrialRecorder recorder;
        private final Semaphore unacknowledged = new Semaphore(MAX_UNACKNOWLEDGED);
        private final AtomicLong failures = new AtomicLong();

        Publisher(RetryPublisher publisher, TrialContext trial, TrialRecorder recorder) {
            this.publisher = publisher;
            this.trial = trial;
            this.recorder = recorder;
        }

        @Override
        public void publish(long index) {
            send(Workload.key(trial.trialId(), index), index);
        }

        @Override
        public void publishWarmUp(long index) {
            send(Workload.warmUpKey(trial.trialId(), index), -1);
        }

        /** Publishes the operation with this key; {@code index} -1 records nothing. */
        private void send(String key, long index) {
            Operation operation = Operation.http("POST", trial.downstreamUrl() + "/operations")
                    .idempotencyKey(key)
                    .header("Content-Type", "application/json")
                    .body(Workload.payload(key, trial.payloadBytes()))
                    .build();
            unacknowledged.acquireUninterruptibly();
            long startMs = System.currentTimeMillis();
            publisher
                    .publish(operation, Failure.httpStatus(503, "HTTP 503 from POST 127.0.0.1", null))
                    .whenComplete((result, error) -> {
                        unacknowledged.release();
                        if (error != null) {
                            failures.incrementAndGet();
                        } else if (index >= 0) {
                            recorder.onPublishAcknowledged(System.currentTimeMillis() - startMs);
                            recorder.onEnvelopeDue(index, result.dueAt().toEpochMilli());
                        }
                    });
        }

        @Override
        public long flush() throws InterruptedException {
            if (unacknowledged.tryAcquire(MAX_UNACKNOWLEDGED, 60, TimeUnit.SECONDS)) {
                unacknowledged.release(MAX_UNACKNOWLEDGED);
            } else {
                failures.addAndGet(MAX_UNACKNOWLEDGED - unacknowledged.availablePermits());
            }
            return failures.get();
        }

        @Override
        public void close() {
            publisher.close();
        }
    }
}
