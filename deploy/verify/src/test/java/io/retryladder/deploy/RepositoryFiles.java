package io.retryladder.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's deployment files, read from disk, with optional in-memory edits so that a test
 * can check what the checks report for a broken file without changing the file.
 */
final class RepositoryFiles {

    static final String COMPOSE = "docker-compose.yml";
    static final String WORKER_DOCKERFILE = "deploy/docker/worker.Dockerfile";
    static final String DOWNSTREAM_DOCKERFILE = "deploy/docker/downstream.Dockerfile";
    static final String KUBERNETES = "deploy/kubernetes";
    static final String KUSTOMIZATION = KUBERNETES + "/kustomization.yaml";
    static final String WORKER_PROPERTIES = "deploy/worker.properties";
    static final String README = "README.md";

    private final Path root;
    private final Map<String, String> edits;

    private RepositoryFiles(Path root, Map<String, String> edits) {
        this.root = root;
        this.edits = edits;
    }

    /** Returns the files of the checkout this module belongs to. */
    static RepositoryFiles fromRepository() {
        String configured = System.getProperty("repository.root");
        Path root = configured != null
                ? Path.of(configured)
                : Path.of("").toAbsolutePath().getParent().getParent();
        return new RepositoryFiles(root.toAbsolutePath().normalize(), Map.of());
    }

    /** Returns a copy in which {@code path} reads as {@code edit} applied to its text. */
    RepositoryFiles edit(String path, UnaryOperator<String> edit) {
        String before = text(path);
        String after = edit.apply(before);
        if (after.equals(before)) {
            throw new IllegalArgumentException("The edit left " + path + " unchanged; update the test's search text");
        }
        Map<String, String> edited = new HashMap<>(edits);
        edited.put(path, after);
        return new RepositoryFiles(root, edited);
    }

    boolean exists(String path) {
        return edits.containsKey(path) || Files.isRegularFile(root.resolve(path));
    }

    String text(String path) {
        String edited = edits.get(path);
        if (edited != null) {
            return edited;
        }
        try {
            return Files.readString(root.resolve(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read " + root.resolve(path), e);
        }
    }

    /** Returns the paths, relative to the repository root, of the files directly in {@code directory}. */
    List<String> list(String directory) {
        try (Stream<Path> files = Files.list(root.resolve(directory))) {
            return files.filter(Files::isRegularFile)
                    .map(file -> directory + "/" + file.getFileName())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to list " + root.resolve(directory), e);
        }
    }

    /** Returns every non-empty YAML document of a file. */
    List<Map<String, Object>> yamlDocuments(String path) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : newYaml().loadAll(text(path))) {
            if (document != null) {
                documents.add(YamlNodes.map(document));
            }
        }
        return documents;
    }

    /** Returns the single YAML document of a file, or an empty map when it has none. */
    Map<String, Object> yaml(String path) {
        List<Map<String, Object>> documents = yamlDocuments(path);
        return documents.isEmpty() ? Map.of() : documents.get(0);
    }

    /** Parses properties text the way the worker reads its --config file. */
    static Map<String, String> properties(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            settings.put(name, properties.getProperty(name));
        }
        return settings;
    }

    private static Yaml newYaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }
}
