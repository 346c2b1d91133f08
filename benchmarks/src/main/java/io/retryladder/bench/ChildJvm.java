package io.retryladder.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM started by the harness: the broker, the retry worker, the Spring peer or the ceiling copier.
 * Its output goes to a log file; {@link #close()} stops it with SIGTERM and, after a grace period,
 * SIGKILL, always by its own process id.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Set<ChildJvm> RUNNING = ConcurrentHashMap.newKeySet();

    private final String name;
    private final Process process;
    private final Path logFile;
    private volatile ProcSample lastSample;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code java <jvmOptions> <launch...>}, where {@code launch} is, for example,
     * {@code -jar worker.jar --config file} or {@code -cp path MainClass args}.
     */
    public static ChildJvm start(String name, List<String> jvmOptions, List<String> launch, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(launch);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            Process process = builder.start();
            log.info("Started {} as process {} (log {})", name, process.pid(), logFile);
            ChildJvm child = new ChildJvm(name, process, logFile);
            RUNNING.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Reads CPU time and memory now; while the process lives this also refreshes {@link #lastSample()}. */
    public ProcSample sample() {
        ProcSample sample = ProcSample.read(process.pid());
        if (sample != null) {
            lastSample = sample;
        }
        return sample != null ? sample : lastSample;
    }

    /** Returns the most recent sample taken while the process was alive, or null. */
    public ProcSample lastSample() {
        return lastSample;
    }

    /** Throws with the log file's name when the process has exited. */
    public void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " (process " + process.pid() + ") exited with code "
                    + process.exitValue() + "; see " + logFile);
        }
    }

    /** Waits up to {@code timeout} for the process to exit by itself; returns whether it did. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops every child this harness started and has not stopped yet, for shutdown. */
    public static void stopAll() {
        for (ChildJvm child : List.copyOf(RUNNING)) {
            child.close();
        }
    }

    /** Stops the process: SIGTERM, then SIGKILL when it has not exited after 30 s. */
    @Override
    public void close() {
        RUNNING.remove(this);
        if (!process.isAlive()) {
            return;
        }
        sample();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} (process {}) did not stop within {} s of SIGTERM; killing it", name, pid(), 30);
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
