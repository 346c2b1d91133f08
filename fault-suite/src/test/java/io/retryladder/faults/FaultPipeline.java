package io.retryladder.faults;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * One scenario's pipeline on a broker: its own topic prefix, application id and working directory,
 * with helpers to start worker processes and publishers, to publish a batch of operations and to
 * wait until every key has ended.
 */
final class FaultPipeline implements AutoCloseable {

    /** Tier delays of every scenario: short, so thousands of operations finish within a minute. */
    static final String DELAYS_MS = "300,600,1200";

    static final Duration MAX_DELAY = Duration.ofMillis(1200);
    static final int PARTITIONS = 6;

    /** Seconds without a key ending after which {@link #awaitEnded} stops waiting. */
    static final int STALL_SECONDS = 40;

    final String scenario;
    final String prefix;
    final String applicationId;
    final Path dir;
    private final Map<String, Object> clientProperties;
    private final Admin admin;
    private final List<RetryPublisher> publishers = new ArrayList<>();
    private final List<WorkerFleet> fleets = new ArrayList<>();

    FaultPipeline(String scenario, Map<String, Object> clientProperties) {
        this.scenario = scenario;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.prefix = "f" + id + "-";
        this.applicationId = "faults-" + id;
        this.clientProperties = Map.copyOf(clientProperties);
        this.admin = Admin.create(clientProperties);
        Path root = Path.of(System.getProperty("faults.work.dir", "target/fault-runs"));
        try {
            this.dir = Files.createDirectories(root.resolve(scenario + "-" + id));
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to create the scenario directory under " + root, e);
        }
    }

    List<String> tierTopics() {
        return List.of(prefix + "300ms", prefix + "600ms", prefix + "1200ms");
    }

    String deadLetterTopic() {
        return prefix + "dlq";
    }

    Map<String, Object> clientProperties() {
        return clientProperties;
    }

    /** Creates the tier and dead-letter topics with LogAppendTime and {@code configs} on top. */
    void createTopics(Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        all.put("message.timestamp.type", "LogAppendTime");
        for (String topic : tierTopics()) {
            Topics.create(admin, topic, PARTITIONS, all);
        }
        Topics.create(admin, deadLetterTopic(), PARTITIONS, all);
    }

    void setTopicConfig(String topic, String name, String value) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            admin.incrementalAlterConfigs(Map.of(
                            resource,
                            List.of(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting " + name + " of " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Failed to set " + name + "=" + value + " on " + topic, e);
        }
    }

    /** Returns the settings every worker of this pipeline shares. */
    Map<String, String> workerSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        clientProperties.forEach((name, value) -> settings.put(name, String.valueOf(value)));
        settings.put("application.id", applicationId);
        settings.put("retry.topic.prefix", prefix);
        settings.put("retry.dead.letter.topic", deadLetterTopic());
        settings.put("retry.tier.delays.ms", DELAYS_MS);
        settings.put("retry.topics.create", "false");
        settings.put("num.stream.threads", "1");
        return settings;
    }

    /** Starts {@code count} worker processes with the shared settings and {@code overrides}, and waits for them. */
    WorkerFleet startWorkers(int count, Map<String, String> overrides) {
        Map<String, String> settings = workerSettings();
        settings.putAll(overrides);
        WorkerFleet fleet = WorkerFleet.start(dir, count, settings);
        fleets.add(fleet);
        fleet.awaitReady(Duration.ofMinutes(2));
        return fleet;
    }

    /** Returns a publisher for this pipeline whose failures and due times come from {@code clock}. */
    RetryPublisher publisher(Clock clock, Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>(clientProperties);
        settings.put("retry.topic.prefix", prefix);
        settings.put("retry.dead.letter.topic", deadLetterTopic());
        settings.put("retry.tier.delays.ms", DELAYS_MS);
        settings.put("retry.service.name", "fault-suite");
        settings.putAll(overrides);
        RetryPublisher publisher = RetryPublisher.builder(settings)
                .clock(clock)
                .meterRegistry(new SimpleMeterRegistry())
                .build();
        publishers.add(publisher);
        return publisher;
    }

    /** Returns a POST operation with a small JSON body, aimed at {@code url}. */
    static Operation operation(String url, String key) {
        return Operation.http("POST", url)
                .idempotencyKey(key)
                .header("Content-Type", "application/json")
                .body("{\"key\":\"" + key + "\"}")
                .build();
    }

    /**
     * Publishes {@code operations} after a failed first call, pausing {@code pause} after every
     * {@code batch}, on a thread of its own. The future completes with the keys that Kafka acknowledged.
     */
    static Future<List<String>> publishInBackground(
            RetryPublisher publisher, List<Operation> operations, int batch, Duration pause) {
        return CompletableFuture.supplyAsync(() -> publish(publisher, operations, batch, pause));
    }

    static List<String> publish(RetryPublisher publisher, List<Operation> operations, int batch, Duration pause) {
        Map<String, CompletableFuture<?>> sent = new LinkedHashMap<>();
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            sent.put(operation.idempotencyKey(), publisher.publish(operation, Failure.httpStatus(503, "", null)));
            if ((i + 1) % batch == 0) {
                WorkerFleet.sleep(pause.toMillis());
            }
        }
        List<String> acknowledged = new ArrayList<>();
        sent.forEach((key, future) -> {
            try {
                future.get(3, TimeUnit.MINUTES);
                acknowledged.add(key);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while publishing", e);
            } catch (ExecutionException | TimeoutException e) {
                System.out.printf("[faults] publishing %s failed: %s%n", key, e);
            }
        });
        return acknowledged;
    }

    /**
     * Waits until every key has a timely effect or a dead letter, printing progress every 10 s. It
     * gives up after {@code timeout}, or after {@value #STALL_SECONDS} s in which no key ended, since
     * then the remaining keys are stuck. Then it waits {@code quiet} more so that late repeats show up.
     */
    void awaitEnded(Collection<String> keys, CallLedger ledger, Duration timeout, Duration quiet) {
        long startNanos = System.nanoTime();
        long deadline = startNanos + timeout.toNanos();
        long nextReport = startNanos + TimeUnit.SECONDS.toNanos(10);
        long lastProgressNanos = startNanos;
        int lastEnded = -1;
        while (true) {
            int ended = countEnded(keys, ledger);
            long now = System.nanoTime();
            if (ended != lastEnded) {
                lastEnded = ended;
                lastProgressNanos = now;
            }
            boolean stalled = now - lastProgressNanos > TimeUnit.SECONDS.toNanos(STALL_SECONDS);
            if (ended == keys.size() || now > deadline || stalled) {
                System.out.printf(
                        Locale.ROOT,
                        "[faults] %s: %d of %d keys ended after %d s%s%n",
                        scenario,
                        ended,
                        keys.size(),
                        TimeUnit.NANOSECONDS.toSeconds(now - startNanos),
                        stalled ? ", none in the last " + STALL_SECONDS + " s" : "");
                break;
            }
            if (now > nextReport) {
                System.out.printf(Locale.ROOT, "[faults] %s: %d of %d keys ended%n", scenario, ended, keys.size());
                nextReport += TimeUnit.SECONDS.toNanos(10);
            }
            WorkerFleet.sleep(1000);
        }
        WorkerFleet.sleep(quiet.toMillis());
    }

    private int countEnded(Collection<String> keys, CallLedger ledger) {
        DeadLetters deadLetters;
        try {
            deadLetters = deadLetters();
        } catch (RuntimeException e) {
            // The broker may be down in the middle of a fault; the next round reads again.
            return -1;
        }
        AtomicInteger ended = new AtomicInteger();
        for (String key : keys) {
            if (ledger.succeeded(key) || deadLetters.count(key) > 0) {
                ended.incrementAndGet();
            }
        }
        return ended.get();
    }

    DeadLetters deadLetters() {
        return DeadLetters.read(clientProperties, deadLetterTopic());
    }

    @Override
    public void close() {
        publishers.forEach(RetryPublisher::close);
        fleets.forEach(WorkerFleet::close);
        admin.close();
    }
}
