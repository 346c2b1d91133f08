package io.retryladder.bench;

import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark harness. The broker runs in its own JVM ({@link BrokerMain}). The downstream, the
 * publishers and the dead-letter readers run in this JVM. Each system under test and the ceiling
 * copier run in a JVM of their own, started and stopped per trial.
 */
public final class Harness implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Harness.class);
    private static final Duration BROKER_START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CEILING_TIMEOUT = Duration.ofMinutes(10);

    private final RunSettings settings;
    private final Path runDir;
    private final String runId;
    private final ChildJvm broker;
    private final String bootstrapServers;
    private final Admin admin;
    private final LoopbackDownstream downstream;
    private final AtomicReference<TrialRecorder> currentRecorder = new AtomicReference<>();
    private final AtomicInteger trials = new AtomicInteger();
    private final TrialRunner runner;

    public Harness(RunSettings settings, Path runDir, String runId) throws InterruptedException {
        this.settings = settings;
        this.runDir = runDir;
        this.runId = runId;
        this.broker = startBroker(settings, runDir);
        try {
            this.bootstrapServers = awaitBroker(broker, runDir.resolve("broker.ready"));
            this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
            this.downstream = LoopbackDownstream.start(0, this::answer, false);
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        this.runner = new TrialRunner(
                admin,
                currentRecorder,
                settings.criteria(),
                settings.failureStatus(),
                settings.warmUpSeconds(),
                settings.warmUpMaxRate());
        log.info("Broker at {} (process {}), downstream at {}", bootstrapServers, broker.pid(), downstream.baseUrl());
    }

    /** Steps the publication rate up until the system stops keeping up, then bisects. */
    public CapacityResult capacity(SystemUnderTest system, Duration latency) throws InterruptedException {
        List<TrialResult> steps = new ArrayList<>();
        double heldRate = 0;
        double failedRate = 0;
        for (double rate = settings.startRate(); rate <= settings.maxRate(); rate *= settings.rateFactor()) {
            TrialResult step = step(system, latency, rate);
            steps.add(step);
            if (!step.held()) {
                failedRate = rate;
                break;
            }
            heldRate = rate;
        }
        for (int i = 0; i < settings.refineSteps() && failedRate > 0; i++) {
            double rate = Math.round((heldRate + failedRate) / 2);
            if (rate <= heldRate || rate >= failedRate || failedRate - heldRate < Math.max(1, 0.05 * failedRate)) {
                break;
            }
            TrialResult step = step(system, latency, rate);
            steps.add(step);
            if (step.held()) {
                heldRate = rate;
            } else {
                failedRate = rate;
            }
        }
        return new CapacityResult(
                system.name(), latency.toMillis(), heldRate, heldRate * Workload.retriesPerOperation(), steps);
    }

    /** Publishes the burst at once and waits until every key is terminal. */
    public TrialResult burst(SystemUnderTest system, Duration latency) throws InterruptedException {
        return trial(system, latency, Load.burst(settings.burstSize()));
    }

    /** Measures the transactional consume-then-produce rate for records of the product's tier-record size. */
    public CeilingResult ceiling() throws InterruptedException {
        String trialId = nextTrialId("ceiling");
        Path workDir = workDir(trialId);
        String source = trialId + "-source";
        String target = trialId + "-target";
        createTopics(List.of(source, target));
        FailedOperation sample = SampleEnvelope.of(Workload.key(trialId, 0), settings.payloadBytes());
        byte[] value = EnvelopeCodec.singleObject().encode(source, sample);
        Headers headers = SampleEnvelope.headers(sample);
        int recordBytes = value.length + headerBytes(headers);
        fill(source, value, headers, trialId);
        try {
            return copy(trialId, workDir, source, target, recordBytes);
        } finally {
            deleteTopics(List.of(source, target));
        }
    }

    private CeilingResult copy(String trialId, Path workDir, String source, String target, int recordBytes)
            throws InterruptedException {
        Path resultFile = workDir.resolve("ceiling.result");
        ChildJvm copier = ChildJvm.start(
                "ceiling copier",
                List.of("-Xmx" + settings.copierHeapMb() + "m"),
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        CeilingCopierMain.class.getName(),
                        bootstrapServers,
                        source,
                        target,
                        trialId + "-copier",
                        Integer.toString(settings.partitions()),
                        Integer.toString(settings.ceilingThreads()),
                        Integer.toString(settings.ceilingRecords()),
                        resultFile.toString()),
                workDir.resolve("copier.log"));
        try {
            long deadline = System.nanoTime() + CEILING_TIMEOUT.toNanos();
            while (!Files.exists(resultFile)) {
                copier.sample();
                if (!copier.isAlive() || System.nanoTime() > deadline) {
                    return new CeilingResult(
                            settings.ceilingRecords(),
                            recordBytes,
                            settings.ceilingThreads(),
                            0,
                            0,
                            -1,
                            -1,
                            "failed: the copier did not finish; see " + copier.logFile());
                }
                Thread.sleep(200);
            }
            ProcSample end = copier.sample();
            String[] result = Files.readString(resultFile).strip().split(" ");
            long copied = Long.parseLong(result[0]);
            double seconds = Long.parseLong(result[1]) / 1000.0;
            return new CeilingResult(
                    (int) copied,
                    recordBytes,
                    settings.ceilingThreads(),
                    seconds,
                    Math.round(copied / seconds),
                    end == null ? -1 : end.cpuMs() / 1000.0,
                    end == null ? -1 : end.peakRssKb() / 1024.0,
                    "complete");
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read " + resultFile, e);
        } finally {
            copier.close();
        }
    }

    @Override
    public void close() {
        downstream.close();
        admin.close();
        broker.close();
    }

    private TrialResult step(SystemUnderTest system, Duration latency, double rate) throws InterruptedException {
        return trial(system, latency, Load.steady(rate, settings.stepDuration()));
    }

    private TrialResult trial(SystemUnderTest system, Duration latency, Load load) throws InterruptedException {
        String trialId = nextTrialId(system.name());
        TrialContext trial = new TrialContext(
                trialId,
                latency,
                bootstrapServers,
                downstream.baseUrl(),
                settings.partitions(),
                settings.payloadBytes(),
                workDir(trialId));
        try {
            TrialResult result = runner.run(system, trial, load);
            log.info("Trial {}: {}", trialId, result.verdict());
            return result;
        } catch (RuntimeException e) {
            log.error("Trial {} of {} failed", trialId, system.name(), e);
            return TrialResult.failed(system.name(), latency.toMillis(), load, e.getMessage());
        }
    }

    private Response answer(LoopbackDownstream.Call call) {
        TrialRecorder recorder = currentRecorder.get();
        return recorder == null ? Response.ok() : recorder.onCall(call);
    }

    private String nextTrialId(String system) {
        return runId + "-" + trials.incrementAndGet() + "-" + system;
    }

    private Path workDir(String trialId) {
        Path dir = runDir.resolve("trials").resolve(trialId);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to create " + dir, e);
        }
    }

    private void fill(String topic, byte[] value, Headers headers, String trialId) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG, 5,
                        ProducerConfig.BATCH_SIZE_CONFIG, 262_144),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < settings.ceilingRecords(); i++) {
                byte[] key = Workload.key(trialId, i).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, null, key, value, headers));
            }
            producer.flush();
        }
    }

    private static int headerBytes(Headers headers) {
        int bytes = 0;
        for (var header : headers) {
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }

    private void createTopics(List<String> topics) {
        List<NewTopic> newTopics = topics.stream()
                .map(name -> new NewTopic(name, settings.partitions(), (short) 1))
                .toList();
        try {
            admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Failed to create topics " + topics + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + topics, e);
        }
    }

    private void deleteTopics(List<String> topics) {
        try {
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Failed to delete topics {}: {}", topics, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ChildJvm startBroker(RunSettings settings, Path runDir) {
        return ChildJvm.start(
                "broker",
                List.of("-Xmx" + settings.brokerHeapMb() + "m"),
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        BrokerMain.class.getName(),
                        runDir.resolve("broker-data").toString(),
                        runDir.resolve("broker.ready").toString()),
                runDir.resolve("broker.log"));
    }

    private static String awaitBroker(ChildJvm broker, Path readyFile) throws InterruptedException {
        long deadline = System.nanoTime() + BROKER_START_TIMEOUT.toNanos();
        while (!Files.exists(readyFile)) {
            broker.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The broker did not start within " + BROKER_START_TIMEOUT.toSeconds()
                        + " s; see " + broker.logFile());
            }
            Thread.sleep(200);
        }
        try {
            return Files.readString(readyFile).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read " + readyFile, e);
        }
    }
}
