package io.retryladder.run;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The validated settings of one local run; {@link LocalRunMain} builds them from the command line.
 *
 * @param loadDuration time over which the load generator spreads its calls evenly
 * @param script responses of the scripted downstream, or null when {@code downstreamUrl} is set
 * @param downstreamUrl base URL of a real service to call through a counting proxy, or null
 * @param bootstrapServers an existing Kafka cluster, or null to start a broker in this process
 * @param clientSettings extra Kafka client settings, such as security settings, for every client
 * @param brokerPort port of the in-process broker; 0 picks a free port
 * @param dataDir parent directory of the run's directory, which contains the broker data, worker
 *     state and the log file
 * @param timeout longest wait, after the last call of the load, for every published operation to finish
 * @param liveView how the live view is drawn
 */
public record RunOptions(
        int operations,
        Duration loadDuration,
        DownstreamScript script,
        URI downstreamUrl,
        int workers,
        int partitions,
        List<Duration> tierDelays,
        String bootstrapServers,
        Map<String, String> clientSettings,
        int brokerPort,
        Path dataDir,
        Duration timeout,
        String topicPrefix,
        String applicationId,
        boolean keepRunning,
        LiveView.Mode liveView) {

    public RunOptions {
        tierDelays = List.copyOf(tierDelays);
        clientSettings = Map.copyOf(clientSettings);
    }

    /** Returns whether the run starts its own broker. */
    public boolean inProcessBroker() {
        return bootstrapServers == null;
    }

    /** Returns whether the run starts the scripted downstream. */
    public boolean scriptedDownstream() {
        return downstreamUrl == null;
    }

    /** Returns the tier delays in the form of the retry.tier.delays.ms setting, such as 1000,4000,16000. */
    public String tierDelaysSetting() {
        return tierDelays.stream().map(delay -> Long.toString(delay.toMillis())).collect(Collectors.joining(","));
    }

    public String deadLetterTopic() {
        return topicPrefix + "dlq";
    }
}
