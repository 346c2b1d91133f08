package io.retryladder.faults;

import io.retryladder.local.FreePorts;
import io.retryladder.testing.JavaProcess;
import io.retryladder.worker.RetryWorkerMain;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Worker processes of one scenario: each runs {@link RetryWorkerMain} in a child JVM with its own
 * properties file, state directory, log file and a fixed health and metrics port, so a restarted
 * worker comes back with the same state and port.
 */
final class WorkerFleet implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.logFile=System.out",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn");

    private final List<Worker> workers;
    private final List<Long> killTimesMs = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread cleanup;

    /** One worker process and where to reach it. */
    record Worker(String id, JavaProcess process, int httpPort) {}

    private WorkerFleet(List<Worker> workers) {
        this.workers = workers;
        // Child JVMs outlive the test JVM unless killed; this also covers a suite that times out.
        this.cleanup =
                new Thread(() -> workers.forEach(worker -> worker.process().close()), "worker-fleet-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Writes a properties file per worker and starts {@code count} worker processes. */
    static WorkerFleet start(Path dir, int count, Map<String, String> settings) {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "worker-" + i;
            int port = FreePorts.pick();
            Properties properties = new Properties();
            properties.putAll(settings);
            properties.setProperty("retry.worker.id", id);
            properties.setProperty("state.dir", dir.resolve("state-" + i).toString());
            properties.setProperty("retry.http.host", "127.0.0.1");
            properties.setProperty("retry.http.port", Integer.toString(port));
            Path config = dir.resolve(id + ".properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                properties.store(out, "Settings of fault-suite worker " + id);
            } catch (IOException e) {
                throw new UncheckedIOException("Failed to write " + config, e);
            }
            JavaProcess process = JavaProcess.of(
                    RetryWorkerMain.class.getName(),
                    JVM_OPTIONS,
                    List.of("--config", config.toString()),
                    dir.resolve(id + ".log"));
            workers.add(new Worker(id, process.start(), port));
        }
        return new WorkerFleet(List.copyOf(workers));
    }

    int size() {
        return workers.size();
    }

    /** Waits until every live worker reports ready (its Kafka Streams client is RUNNING). */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Worker worker : workers) {
            while (worker.process().isAlive() && !ready(worker)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(worker.id() + " was not ready within " + timeout + "; see "
                            + worker.process().logFile());
                }
                sleep(250);
            }
            if (!worker.process().isAlive()) {
                throw new IllegalStateException(worker.id() + " exited during start-up; see "
                        + worker.process().logFile());
            }
        }
    }

    /** Kills worker {@code index} with SIGKILL and returns the time of the kill in epoch milliseconds. */
    long kill(int index) {
        long now = System.currentTimeMillis();
        killTimesMs.add(now);
        workers.get(index).process().kill();
        return now;
    }

    void restart(int index) {
        workers.get(index).process().start();
    }

    List<Long> killTimesMs() {
        return List.copyOf(killTimesMs);
    }

    /**
     * Returns the sum of a Prometheus sample over every worker that serves its metrics, for example
     * {@code retry_worker_due_capped_total}.
     */
    double metricSum(String sample) {
        double sum = 0;
        for (Worker worker : workers) {
            for (String line : metrics(worker)) {
                if (line.startsWith(sample + "{") || line.startsWith(sample + " ")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    /** Returns the lines of every worker's log that contain {@code text}. */
    List<String> logLines(String text) {
        List<String> lines = new ArrayList<>();
        for (Worker worker : workers) {
            Path log = worker.process().logFile();
            if (!Files.exists(log)) {
                continue;
            }
            try (Stream<String> stream = Files.lines(log, StandardCharsets.UTF_8)) {
                stream.filter(line -> line.contains(text)).forEach(lines::add);
            } catch (IOException | UncheckedIOException e) {
                lines.add("(could not read " + log + ": " + e + ")");
            }
        }
        return lines;
    }

    /** Stops every worker with SIGTERM, waiting up to {@code seconds} each, and kills those still running. */
    void stop(long seconds) {
        for (Worker worker : workers) {
            if (worker.process().isAlive() && !worker.process().stop(seconds)) {
                worker.process().kill();
            }
        }
    }

    @Override
    public void close() {
        stop(30);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // The JVM is already shutting down and runs the hook itself.
        }
    }

    private boolean ready(Worker worker) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<String> metrics(Worker worker) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/metrics"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().lines().toList() : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
