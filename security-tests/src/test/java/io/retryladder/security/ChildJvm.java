package io.retryladder.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in a child JVM with the test class path, extra environment variables and its
 * output in a log file, so a test can read what a service or tool printed.
 */
final class ChildJvm implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.logFile=System.out",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn");

    private final Process process;
    private final Path logFile;

    private ChildJvm(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts {@code mainClass} with {@code args}; {@code environment} adds to the inherited variables. */
    static ChildJvm start(String mainClass, List<String> args, Map<String, String> environment, Path logFile) {
        return start(mainClass, List.of(), args, environment, logFile);
    }

    /** Starts {@code mainClass} with extra JVM options, for example a log level, after the defaults. */
    static ChildJvm start(
            String mainClass,
            List<String> jvmOptions,
            List<String> args,
            Map<String, String> environment,
            Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        try {
            return new ChildJvm(builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to start " + mainClass, e);
        }
    }

    /** Runs {@code mainClass} to completion, up to {@code timeout}, and returns its exit code and output. */
    static Result run(
            String mainClass, List<String> args, Map<String, String> environment, Path logFile, Duration timeout) {
        return run(mainClass, List.of(), args, environment, logFile, timeout);
    }

    /** Runs {@code mainClass} with extra JVM options to completion, up to {@code timeout}. */
    static Result run(
            String mainClass,
            List<String> jvmOptions,
            List<String> args,
            Map<String, String> environment,
            Path logFile,
            Duration timeout) {
        try (ChildJvm child = start(mainClass, jvmOptions, args, environment, logFile)) {
            Integer exitCode = child.awaitExit(timeout);
            return new Result(exitCode, child.output());
        }
    }

    /** Waits up to {@code timeout} for the process to end and returns its exit code, or null if it still runs. */
    Integer awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Returns everything the process printed so far. */
    String output() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read " + logFile, e);
        }
    }

    Path logFile() {
        return logFile;
    }

    /** Stops the process with SIGTERM, and with SIGKILL when it has not ended after 30 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (awaitExit(Duration.ofSeconds(30)) == null) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(10));
        }
    }

    /** What a finished child JVM left: its exit code (null when it was still running) and its output. */
    record Result(Integer exitCode, String output) {}
}
