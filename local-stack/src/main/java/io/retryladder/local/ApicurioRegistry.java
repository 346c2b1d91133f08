package io.retryladder.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 2.6 run as a child process on a loopback port, with its in-memory storage. It
 * serves the Confluent Schema Registry API under {@code /apis/ccompat/v7}.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);

    private final Process process;
    private final int port;
    private final Path logFile;

    private ApicurioRegistry(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Starts the registry from an unpacked {@code apicurio-registry-app-*-all.zip} and waits until its
     * health check reports ready.
     *
     * @param distribution the directory that contains {@code apicurio-registry-app-*-runner.jar},
     *     directly or in a subdirectory
     */
    public static ApicurioRegistry start(Path distribution, Duration readyTimeout) {
        Path runnerJar = findRunnerJar(distribution);
        int port = FreePorts.pick();
        Path logFile;
        try {
            logFile = Files.createTempFile("apicurio-registry-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to create a log file for Apicurio Registry", e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.log.level=WARN");
        command.add("-jar");
        command.add(runnerJar.toString());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(runnerJar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to start Apicurio Registry from " + runnerJar, e);
        }
        ApicurioRegistry registry = new ApicurioRegistry(process, port, logFile);
        long startNanos = System.nanoTime();
        try {
            registry.awaitReady(readyTimeout);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        log.info(
                "Apicurio Registry started on 127.0.0.1:{} in {} ms (log in {})",
                port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                logFile);
        return registry;
    }

    /** Returns the base URL of the Confluent-compatible API. */
    public String confluentApiUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI health = URI.create("http://127.0.0.1:" + port + "/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " before it was ready; see " + logFile);
            }
            try {
                HttpResponse<Void> response = client.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            sleep(200);
        }
        throw new IllegalStateException("Apicurio Registry on 127.0.0.1:" + port + " was not ready within "
                + timeout.toSeconds() + " s; see " + logFile);
    }

    private static Path findRunnerJar(Path distribution) {
        Objects.requireNonNull(distribution, "distribution");
        if (Files.isRegularFile(distribution)) {
            return distribution;
        }
        try (Stream<Path> files = Files.walk(distribution, 3)) {
            return files.filter(path -> path.getFileName().toString().matches("apicurio-registry-app-.*-runner\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No apicurio-registry-app-*-runner.jar under "
                            + distribution + "; unpack io.apicurio:apicurio-registry-app:zip:all there first"));
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to search " + distribution + " for the Apicurio runner jar", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
        }
    }
}
