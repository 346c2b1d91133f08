package io.retryladder.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The directory of one run, {@code <data dir>/<run id>}: broker data, worker state and the log file.
 * The run id also starts every idempotency key of the run.
 */
final class RunDirectory {

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final String runId;
    private final Path path;

    private RunDirectory(String runId, Path path) {
        this.runId = runId;
        this.path = path;
    }

    /** Creates a new run directory under {@code dataDir}, named after the time and a random suffix. */
    static RunDirectory create(Path dataDir) {
        String runId = "run-" + LocalDateTime.now().format(ID_TIME) + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        Path path = dataDir.resolve(runId).toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Failed to create the run directory " + path + "; check that --data-dir is writable", e);
        }
        return new RunDirectory(runId, path);
    }

    String runId() {
        return runId;
    }

    Path path() {
        return path;
    }

    Path logFile() {
        return path.resolve("run.log");
    }

    Path brokerDir() {
        return path.resolve("kafka");
    }

    Path workerStateDir(String workerId) {
        return path.resolve("state-" + workerId);
    }

    /** Deletes the broker data and worker state, keeping the log file. */
    void deleteData() {
        try (Stream<Path> children = Files.list(path)) {
            children.filter(child -> !child.equals(logFile())).forEach(RunDirectory::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to list " + path, e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(RunDirectory::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to delete " + root, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to delete " + file, e);
        }
    }
}
