package io.retryladder.bench.peer;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of one peer process, read from {@code --name=value} arguments.
 *
 * @param bootstrapServers the broker, as host:port
 * @param topic the main topic; the retry and dead-letter topics are named after it
 * @param groupId the consumer group of the main listener; Spring derives the retry listeners' groups from it
 * @param downstreamUrl the URL each attempt POSTs to
 * @param mode {@code default} keeps Spring's defaults, {@code tuned} sets seekAfterError to false
 * @param concurrency listener threads of each container (main, each retry topic, dead-letter topic)
 * @param partitions partitions of each topic, which the harness creates before the peer starts
 * @param readyFile written once every container has its partitions
 */
public record PeerSettings(
        String bootstrapServers,
        String topic,
        String groupId,
        URI downstreamUrl,
        Mode mode,
        int concurrency,
        int partitions,
        Path readyFile) {

    /** The setup of the peer's error handler. */
    public enum Mode {
        /** Spring's defaults: the error handler seeks back after each back-off pause. */
        DEFAULT,
        /** seekAfterError=false: records stay in memory across the back-off pause instead of being fetched again. */
        TUNED
    }

    /** Parses {@code --name=value} arguments; all are required except concurrency and partitions (default 6). */
    public static PeerSettings parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new IllegalArgumentException("Invalid argument '" + arg + "': expected --name=value");
            }
            values.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
        int concurrency = Integer.parseInt(values.getOrDefault("concurrency", "6"));
        if (concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("--concurrency must be between 1 and 64, got " + concurrency);
        }
        int partitions = Integer.parseInt(values.getOrDefault("partitions", "6"));
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        return new PeerSettings(
                required(values, "bootstrap-servers"),
                required(values, "topic"),
                required(values, "group-id"),
                URI.create(required(values, "downstream-url")),
                Mode.valueOf(required(values, "mode").toUpperCase(Locale.ROOT)),
                concurrency,
                partitions,
                Path.of(required(values, "ready-file")));
    }

    /** Returns the values that {@code ${peer.*}} placeholders in the listener annotations read. */
    public Map<String, Object> placeholders() {
        return Map.of(
                "peer.topic", topic,
                "peer.group-id", groupId,
                "peer.concurrency", Integer.toString(concurrency));
    }

    private static String required(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing argument --" + name + "=...");
        }
        return value;
    }
}
