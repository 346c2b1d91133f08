package io.retryladder.envelope.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads settings from a properties file and from environment variables, where an environment
 * variable wins over the file.
 *
 * <p>A variable maps to a setting by dropping the prefix, lower-casing and turning each underscore
 * into a dot: with the prefix {@code RETRY_WORKER_}, {@code RETRY_WORKER_BOOTSTRAP_SERVERS} sets
 * {@code bootstrap.servers}.
 */
public final class SettingsSources {

    private SettingsSources() {}

    /** Reads a properties file into a map, keeping the file's entries as strings. */
    public static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Settings file not found: " + file.toAbsolutePath(), e);
        } catch (AccessDeniedException e) {
            throw new UncheckedIOException(
                    "Failed to read settings file " + file.toAbsolutePath() + ": permission denied", e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Failed to read settings file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            settings.put(name, properties.getProperty(name));
        }
        return settings;
    }

    /** Returns the settings named by environment variables that start with {@code prefix}. */
    public static Map<String, String> fromEnvironment(Map<String, String> environment, String prefix) {
        Map<String, String> settings = new LinkedHashMap<>();
        environment.forEach((variable, value) -> {
            if (variable.startsWith(prefix) && variable.length() > prefix.length()) {
                settings.put(settingName(variable.substring(prefix.length())), value);
            }
        });
        return settings;
    }

    /** Returns the setting named by an environment variable without its prefix. */
    public static String settingName(String variableWithoutPrefix) {
        return variableWithoutPrefix.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** Returns the environment variable that sets {@code setting}. */
    public static String variableName(String prefix, String setting) {
        return prefix + setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Merges the file (may be null) and the environment; the environment wins. */
    public static Map<String, Object> load(Path file, Map<String, String> environment, String prefix) {
        Map<String, Object> settings = new LinkedHashMap<>();
        if (file != null) {
            settings.putAll(readFile(file));
        }
        settings.putAll(fromEnvironment(environment, prefix));
        return settings;
    }
}
