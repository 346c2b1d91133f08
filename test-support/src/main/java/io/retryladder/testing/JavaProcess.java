package io.retryladder.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in a child JVM with the test's class path, so tests can kill it with SIGKILL
 * and start it again. Its output goes to a log file.
 */
public final class JavaProcess implements AutoCloseable {

    private final List<String> command;
    private final Path logFile;
    private Process process;

    private JavaProcess(List<String> command, Path logFile) {
        this.command = command;
        this.logFile = logFile;
        // A test that fails before it closes the process must not leave it running.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "java-process-cleanup"));
    }

    /** Prepares a child JVM that runs {@code mainClass} with {@code args}; call {@link #start()}. */
    public static JavaProcess of(String mainClass, List<String> jvmOptions, List<String> args, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return new JavaProcess(List.copyOf(command), logFile);
    }

    public synchronized JavaProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("The process " + process.pid() + " is still running");
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to start " + command, e);
        }
        return this;
    }

    /** Kills the process with SIGKILL, as a crash would, and waits until it is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(30);
    }

    /** Stops the process with SIGTERM and waits up to {@code seconds} for it to exit. */
    public synchronized boolean stop(long seconds) {
        if (process == null) {
            return true;
        }
        process.destroy();
        return waitFor(seconds);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        if (isAlive()) {
            kill();
        }
    }

    private boolean waitFor(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
