package io.retryladder.dlq;

import io.retryladder.dlq.internal.DeadLetterTopic;
import io.retryladder.dlq.internal.KafkaClients;
import io.retryladder.dlq.internal.ReplayMarkers;
import io.retryladder.dlq.internal.Resolutions;
import io.retryladder.dlq.internal.TopicReader;
import io.retryladder.envelope.codec.EnvelopeCodec;

/**
 * The inputs of one command run: the effective settings, the Kafka clients built from them, the
 * dead-letter topic, and the resolutions and replay markers, read on first use.
 */
final class Session implements AutoCloseable {

    final Settings settings;
    final DlqToolsConfig config;
    final KafkaClients clients;
    final TopicReader reader;
    final DeadLetterTopic deadLetters;
    private Resolutions resolutions;
    private ReplayMarkers markers;

    private Session(Settings settings, String command) {
        this.settings = settings;
        this.config = settings.config();
        this.clients = new KafkaClients(settings.clientSettings(), config.requestTimeout(), "dlq-tools-" + command);
        this.reader = new TopicReader(clients, "reader");
        this.deadLetters = new DeadLetterTopic(reader, config.deadLetterTopic(), codec(config));
    }

    private static EnvelopeCodec codec(DlqToolsConfig config) {
        try {
            return config.codec();
        } catch (IllegalArgumentException e) {
            throw ToolException.usage("Invalid setting: " + e.getMessage());
        }
    }

    static Session open(ConnectionOptions connection, ToolContext context, String command) {
        return new Session(connection.load(context.environment()), command);
    }

    Resolutions resolutions() {
        if (resolutions == null) {
            resolutions = Resolutions.read(reader, config.resolvedTopic(), config.deadLetterTopic());
        }
        return resolutions;
    }

    ReplayMarkers markers() {
        if (markers == null) {
            markers = ReplayMarkers.read(reader, config.markersTopic(), config.deadLetterTopic());
        }
        return markers;
    }

    @Override
    public void close() {
        reader.close();
    }
}
