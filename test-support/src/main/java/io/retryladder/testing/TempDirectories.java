package io.retryladder.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Helpers that create and delete the temporary directories that tests give to brokers and workers. */
public final class TempDirectories {

    private TempDirectories() {}

    /** Creates a new directory under java.io.tmpdir whose name starts with {@code prefix}. */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Failed to create a temporary directory named " + prefix
                            + "*; check that java.io.tmpdir is writable",
                    e);
        }
    }

    /** Deletes {@code dir} and everything under it. A directory that does not exist is skipped. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("Failed to delete " + dir + ": " + e);
        }
    }
}
