package io.retryladder.dlq;

import io.retryladder.envelope.config.SettingsSources;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The effective settings of one command run and where each came from.
 *
 * @param config the declared settings, validated
 * @param commandConfigEntries the entries of the {@value DlqToolsConfig#COMMAND_CONFIG} file, empty when none
 * @param sources for each setting given anywhere, where it came from: an option, an environment
 *     variable, the --config file or the command config file
 */
record Settings(DlqToolsConfig config, Map<String, String> commandConfigEntries, Map<String, String> sources) {

    /**
     * Merges the --config file, the environment and the options, in rising precedence. Without
     * {@code requireBootstrap} a missing bootstrap.servers becomes an empty list.
     *
     * @throws ToolException with the usage exit code when a setting is missing or invalid
     */
    static Settings load(
            Path configFile, Map<String, String> environment, Map<String, Object> options, boolean requireBootstrap) {
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        if (configFile != null) {
            readFile(configFile, "--config").forEach((name, value) -> {
                merged.put(name, value);
                sources.put(name, "--config " + configFile);
            });
        }
        String prefix = DlqToolsConfig.ENVIRONMENT_PREFIX;
        SettingsSources.fromEnvironment(environment, prefix).forEach((name, value) -> {
            merged.put(name, value);
            sources.put(name, "environment " + SettingsSources.variableName(prefix, name));
        });
        options.forEach((name, value) -> {
            merged.put(name, value);
            sources.put(name, "option");
        });

        if (!requireBootstrap) {
            merged.putIfAbsent(DlqToolsConfig.BOOTSTRAP_SERVERS, "");
        }
        DlqToolsConfig config = validate(merged);

        Map<String, String> commandConfigEntries = Map.of();
        String commandConfig = config.getString(DlqToolsConfig.COMMAND_CONFIG);
        if (!commandConfig.isBlank()) {
            commandConfigEntries = readFile(Path.of(commandConfig), "--command-config");
            for (String name : commandConfigEntries.keySet()) {
                sources.putIfAbsent(name, "--command-config " + commandConfig);
            }
        }
        return new Settings(config, Map.copyOf(commandConfigEntries), Map.copyOf(sources));
    }

    private static DlqToolsConfig validate(Map<String, Object> merged) {
        if (!merged.containsKey(DlqToolsConfig.BOOTSTRAP_SERVERS)) {
            throw ToolException.usage("bootstrap.servers is not set: pass --bootstrap-server, set "
                    + DlqToolsConfig.ENVIRONMENT_PREFIX + "BOOTSTRAP_SERVERS or put it in the --config file");
        }
        try {
            DlqToolsConfig config = new DlqToolsConfig(merged);
            config.ladder();
            return config;
        } catch (ConfigException e) {
            throw ToolException.usage("Invalid setting: " + e.getMessage());
        }
    }

    private static Map<String, String> readFile(Path file, String option) {
        try {
            return SettingsSources.readFile(file);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw ToolException.usage(e.getMessage() + "; check " + option);
        }
    }

    /** Returns the settings every Kafka client of this run gets. */
    Map<String, Object> clientSettings() {
        return config.clientSettings(commandConfigEntries);
    }
}
