package io.retryladder.security;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retryladder.local.FreePorts;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One pipeline on the secured broker: its own topic prefix, application id and working directory,
 * and the settings files its worker and publisher read.
 */
final class SecuredPipeline {

    final SecuredKafka kafka;
    final String prefix;
    final String applicationId;
    final Path dir;
    final int workerHttpPort = FreePorts.pick();

    SecuredPipeline(SecuredKafka kafka, String name) {
        this.kafka = kafka;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.prefix = name + "-" + id + "-";
        this.applicationId = name + "-worker-" + id;
        try {
            this.dir = Files.createDirectories(Path.of("target", "security-runs", name + "-" + id));
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to create the directory of pipeline " + name, e);
        }
    }

    List<String> tierTopics() {
        return List.of(prefix + "300ms", prefix + "600ms", prefix + "1200ms");
    }

    String deadLetterTopic() {
        return prefix + "dlq";
    }

    /** Creates the tiers and the dead-letter topic as the admin, as an operator would before deploying. */
    void createTopics() {
        for (String topic : tierTopics()) {
            kafka.createTopic(topic, 3, Map.of("message.timestamp.type", "LogAppendTime"));
        }
        kafka.createTopic(deadLetterTopic(), 3, Map.of());
    }

    /** Returns the ladder settings every component of this pipeline shares. */
    Map<String, String> ladderSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("retry.topic.prefix", prefix);
        settings.put("retry.dead.letter.topic", deadLetterTopic());
        settings.put("retry.tier.delays.ms", "300,600,1200");
        return settings;
    }

    /** Returns the worker's own settings, without Kafka client security settings. */
    Map<String, String> workerSettings() {
        Map<String, String> settings = new LinkedHashMap<>(ladderSettings());
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("application.id", applicationId);
        settings.put("retry.topics.create", "false");
        settings.put("num.stream.threads", "1");
        settings.put("state.dir", dir.resolve("state").toString());
        settings.put("retry.worker.id", "secure-worker");
        settings.put("retry.http.host", "127.0.0.1");
        settings.put("retry.http.port", Integer.toString(workerHttpPort));
        return settings;
    }

    /** Returns the settings of a SCRAM user as strings, as a properties file would hold them. */
    Map<String, String> clientSettings(String user) {
        Map<String, String> settings = new LinkedHashMap<>();
        kafka.listener.clientProperties(user).forEach((name, value) -> settings.put(name, String.valueOf(value)));
        return settings;
    }

    RetryPublisher publisher(Map<String, ?> clientSettings, Map<String, String> extra) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.putAll(ladderSettings());
        settings.put("retry.service.name", "secure-service");
        settings.putAll(extra);
        return RetryPublisher.builder(settings)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
    }

    /** Reads the dead-letter topic as the admin. */
    List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return Topics.readAll(kafka.adminProperties(), deadLetterTopic(), Duration.ofSeconds(30));
    }

    /** Writes {@code settings} to a properties file in this pipeline's directory. */
    Path writeProperties(String fileName, Map<String, String> settings) {
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = dir.resolve(fileName);
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to write " + file, e);
        }
        return file;
    }

    /** Waits until the worker's readiness endpoint returns 200, or its process ends, or the timeout passes. */
    boolean awaitWorkerReady(ChildJvm worker, Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && worker.isAlive()) {
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + workerHttpPort + "/health/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return true;
                }
            } catch (IOException ignored) {
                // The worker does not listen yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep(250);
        }
        return false;
    }

    static List<String> names(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> keys = new ArrayList<>();
        records.forEach(record -> keys.add(record.key() == null ? null : new String(record.key())));
        return keys;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
