package io.retryladder.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One trial: one system under test, one downstream latency, one load, with its own topics and
 * consumer groups named after {@code trialId}.
 *
 * @param workDir the trial's directory for logs, settings and state
 */
public record TrialContext(
        String trialId,
        Duration latency,
        String bootstrapServers,
        URI downstreamUrl,
        int partitions,
        int payloadBytes,
        Path workDir) {}
