package io.retryladder.worker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.TempDirectories;
import io.retryladder.testing.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One isolated pipeline on the shared test broker: its own topic prefix, application id and state
 * directory, with helpers to start workers and a publisher and to read the dead-letter topic.
 */
final class Pipeline implements AutoCloseable {

    final KafkaCluster kafka;
    final String prefix;
    final String applicationId;
    final Map<String, Object> settings = new HashMap<>();
    private final List<RetryWorker> workers = new ArrayList<>();
    private final List<RetryPublisher> publishers = new ArrayList<>();
    private final List<Path> stateDirs = new ArrayList<>();

    Pipeline(KafkaCluster kafka, String delaysMs) {
        this.kafka = kafka;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.prefix = "w" + id + "-";
        this.applicationId = "worker-" + id;
        settings.putAll(kafka.clientProperties());
        settings.put("retry.topic.prefix", prefix);
        settings.put("retry.dead.letter.topic", prefix + "dlq");
        settings.put("retry.tier.delays.ms", delaysMs);
        settings.put("application.id", applicationId);
        settings.put("retry.topics.create", "true");
        settings.put("retry.topics.partitions", "3");
        settings.put("retry.http.port", "0");
        settings.put("num.stream.threads", "1");
    }

    Pipeline with(String name, Object value) {
        settings.put(name, value);
        return this;
    }

    RetryWorker startWorker() {
        return startWorker(Map.of());
    }

    RetryWorker startWorker(Map<String, Object> overrides) {
        return startWorker(overrides, null);
    }

    /** Starts a worker with its own state directory; {@code handlers} null means ServiceLoader finds them. */
    RetryWorker startWorker(Map<String, Object> overrides, List<OperationHandler> handlers) {
        Map<String, Object> workerSettings = workerSettings(overrides);
        RetryWorker.Builder builder = RetryWorker.builder(workerSettings);
        if (handlers != null) {
            builder.handlers(handlers);
        }
        RetryWorker worker = builder.start();
        workers.add(worker);
        return worker.awaitRunning(Duration.ofSeconds(60));
    }

    /** Returns the settings of the next worker: these pipeline settings, a fresh state directory, a new id. */
    Map<String, Object> workerSettings(Map<String, Object> overrides) {
        Map<String, Object> workerSettings = new HashMap<>(settings);
        Path stateDir = TempDirectories.create("retry-worker-state-");
        stateDirs.add(stateDir);
        workerSettings.put("state.dir", stateDir.toString());
        workerSettings.put("retry.worker.id", "worker-" + (workers.size() + 1));
        workerSettings.putAll(overrides);
        return workerSettings;
    }

    /** Stops a worker this pipeline started, before the pipeline closes. */
    void stop(RetryWorker worker) {
        workers.remove(worker);
        worker.close();
    }

    RetryPublisher publisher() {
        Map<String, Object> publisherSettings = new HashMap<>(kafka.clientProperties());
        for (String name : List.of("retry.topic.prefix", "retry.dead.letter.topic", "retry.tier.delays.ms")) {
            publisherSettings.put(name, settings.get(name));
        }
        if (settings.containsKey("schema.registry.url")) {
            publisherSettings.put("schema.registry.url", settings.get("schema.registry.url"));
        }
        publisherSettings.put("retry.service.name", "test-service");
        RetryPublisher publisher = RetryPublisher.builder(publisherSettings)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
        publishers.add(publisher);
        return publisher;
    }

    String tier(String suffix) {
        return prefix + suffix;
    }

    String deadLetterTopic() {
        return prefix + "dlq";
    }

    List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return Topics.readAll(kafka.clientProperties(), deadLetterTopic(), Duration.ofSeconds(30));
    }

    List<FailedOperation> deadLetterEnvelopes() throws Exception {
        List<FailedOperation> envelopes = new ArrayList<>();
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        for (ConsumerRecord<byte[], byte[]> record : deadLetters()) {
            envelopes.add(codec.decode(record.value()));
        }
        return envelopes;
    }

    @Override
    public void close() {
        publishers.forEach(RetryPublisher::close);
        workers.forEach(RetryWorker::close);
        stateDirs.forEach(TempDirectories::delete);
    }
}
