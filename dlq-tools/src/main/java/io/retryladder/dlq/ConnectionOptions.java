package io.retryladder.dlq;

import io.retryladder.envelope.config.PipelineSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options that set connection and ladder settings. An option wins over the DLQ_TOOLS_* environment
 * variable of the same setting, which wins over the --config file.
 */
final class ConnectionOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with dlq-tools settings, such as bootstrap.servers and"
                    + " retry.dead.letter.topic. Options and DLQ_TOOLS_* environment variables win over it.")
    Path configFile;

    @Option(
            names = {"-b", "--bootstrap-server", "--bootstrap-servers"},
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka brokers to connect to (sets " + DlqToolsConfig.BOOTSTRAP_SERVERS + ")."
                    + " --bootstrap-servers, as the worker and the local run spell it, works too.")
    String bootstrapServers;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "Properties file with Kafka client settings for SASL and TLS, such as security.protocol"
                    + " and sasl.jaas.config (sets " + DlqToolsConfig.COMMAND_CONFIG + ").")
    Path commandConfig;

    @Option(
            names = "--registry-url",
            paramLabel = "URL",
            description = "Base URL of the schema registry (sets " + PipelineSettings.REGISTRY_URL
                    + "); needed to read and write envelopes in the registry wire format.")
    String registryUrl;

    @Option(
            names = "--dead-letter-topic",
            paramLabel = "TOPIC",
            description = "Dead-letter topic of the pipeline (sets " + PipelineSettings.DEAD_LETTER_TOPIC
                    + ", default retry-dlq).")
    String deadLetterTopic;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description = "Prefix of the tier topic names, which end with their delay (sets "
                    + PipelineSettings.TOPIC_PREFIX + ", default retry-).")
    String topicPrefix;

    @Option(
            names = "--tier-delays-ms",
            paramLabel = "MS[,MS...]",
            split = ",",
            description = "Delay of each tier in milliseconds, shortest first (sets " + PipelineSettings.TIER_DELAYS_MS
                    + ", default 1000,4000,16000).")
    List<String> tierDelaysMs;

    @Option(
            names = "--tier-topics",
            paramLabel = "TOPIC[,TOPIC...]",
            split = ",",
            description = "Explicit tier topic names, one per delay (sets " + PipelineSettings.TIER_TOPICS + ").")
    List<String> tierTopics;

    @Option(
            names = "--application-id",
            paramLabel = "ID",
            description = "application.id of the retry workers, whose state replay reads (sets "
                    + DlqToolsConfig.APPLICATION_ID + ", default retry-worker).")
    String applicationId;

    /** Returns the settings given as options. */
    Map<String, Object> overrides() {
        Map<String, Object> settings = new LinkedHashMap<>();
        put(settings, DlqToolsConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        put(settings, DlqToolsConfig.COMMAND_CONFIG, commandConfig == null ? null : commandConfig.toString());
        put(settings, PipelineSettings.REGISTRY_URL, registryUrl);
        put(settings, PipelineSettings.DEAD_LETTER_TOPIC, deadLetterTopic);
        put(settings, PipelineSettings.TOPIC_PREFIX, topicPrefix);
        put(settings, PipelineSettings.TIER_DELAYS_MS, tierDelaysMs == null ? null : String.join(",", tierDelaysMs));
        put(settings, PipelineSettings.TIER_TOPICS, tierTopics == null ? null : String.join(",", tierTopics));
        put(settings, DlqToolsConfig.APPLICATION_ID, applicationId);
        return settings;
    }

    /** Loads the effective settings from these options, the environment and the --config file. */
    Settings load(Map<String, String> environment) {
        return Settings.load(configFile, environment, overrides(), true);
    }

    /** Loads the settings like {@link #load}, also when bootstrap.servers is not set, for commands that connect to nothing. */
    Settings loadOffline(Map<String, String> environment) {
        return Settings.load(configFile, environment, overrides(), false);
    }

    private static void put(Map<String, Object> settings, String name, Object value) {
        if (value != null) {
            settings.put(name, value);
        }
    }
}
