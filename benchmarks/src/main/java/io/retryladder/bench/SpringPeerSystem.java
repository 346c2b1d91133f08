package io.retryladder.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The peer: Spring for Apache Kafka's non-blocking retries ({@code @RetryableTopic}, module
 * spring-peer) in its own JVM. The harness produces each operation's payload to the main topic, where
 * the peer's listener counts attempt 1 as failed without a call and Spring forwards the record to
 * the first retry topic.
 */
public final class SpringPeerSystem implements SystemUnderTest {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(150);
    private static final int MAX_UNACKNOWLEDGED = 20_000;

    /** The peer's error-handler setup: Spring's defaults, or seekAfterError=false. */
    public enum Mode {
        DEFAULT,
        TUNED
    }

    private final String classpath;
    private final Mode mode;
    private final int heapMb;
    private final int concurrency;

    public SpringPeerSystem(String classpath, Mode mode, int heapMb, int concurrency) {
        this.classpath = classpath;
        this.mode = mode;
        this.heapMb = heapMb;
        this.concurrency = concurrency;
    }

    @Override
    public String name() {
        return "spring-" + mode.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public List<TopicSpec> topics(TrialContext trial) {
        String main = mainTopic(trial);
        // The names Spring gives the topics with SUFFIX_WITH_INDEX_VALUE; the peer does not create topics.
        return List.of(
                new TopicSpec(main, false),
                new TopicSpec(main + "-retry-0", false),
                new TopicSpec(main + "-retry-1", false),
                new TopicSpec(main + "-retry-2", false),
                new TopicSpec(deadLetterTopic(trial), true));
    }

    @Override
    public ChildJvm start(TrialContext trial) throws InterruptedException {
        Path readyFile = trial.workDir().resolve("peer.ready");
        ChildJvm peer = ChildJvm.start(
                "Spring Kafka peer (" + name() + ")",
                List.of("-Xmx" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError"),
                List.of(
                        "-cp",
                        classpath,
                        "io.retryladder.bench.peer.PeerMain",
                        "--bootstrap-servers=" + trial.bootstrapServers(),
                        "--topic=" + mainTopic(trial),
                        "--group-id=" + entryGroup(trial),
                        "--downstream-url=" + trial.downstreamUrl() + "/operations",
                        "--mode=" + mode.name().toLowerCase(Locale.ROOT),
                        "--concurrency=" + concurrency,
                        "--partitions=" + trial.partitions(),
                        "--ready-file=" + readyFile),
                trial.workDir().resolve("peer.log"));
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!Files.exists(readyFile)) {
            peer.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The Spring peer did not get its partitions within "
                        + READY_TIMEOUT.toSeconds() + " s; see " + peer.logFile());
            }
            Thread.sleep(200);
        }
        return peer;
    }

    @Override
    public OperationPublisher publisher(TrialContext trial, TrialRecorder recorder) {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        trial.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        return new Publisher(producer, trial, mainTopic(trial), recorder);
    }

    @Override
    public String entryTopic(TrialContext trial) {
        return mainTopic(trial);
    }

    @Override
    public String entryGroup(TrialContext trial) {
        return trial.trialId() + "-peer";
    }

    @Override
    public String deadLetterTopic(TrialContext trial) {
        return mainTopic(trial) + "-dlt";
    }

    @Override
    public List<String> describe() {
        return List.of(
                "spring-kafka 4.1.2 @RetryableTopic(attempts=4, backOff 1000 ms x4 up to 16000 ms), -Xmx" + heapMb
                        + "m",
                "listener concurrency " + concurrency + " per container (main, 3 retry topics, DLT)",
                mode == Mode.TUNED
                        ? "DefaultErrorHandler seekAfterError=false (RetryTopicConfigurationSupport.configureCustomizers)"
                        : "DefaultErrorHandler defaults (seekAfterError=true)");
    }

    private static String mainTopic(TrialContext trial) {
        return trial.trialId() + "-main";
    }

    /** Produces each operation's payload to the main topic, keyed by its idempotency key. */
    private static final class Publisher implements OperationPublisher {
        private final KafkaProducer<byte[], byte[]> producer;
        private final TrialContext trial;
        private final String topic;
        private final TrialRecorder recorder;
        private final Semaphore unacknowledged = new Semaphore(MAX_UNACKNOWLEDGED);
        private final AtomicLong failures = new AtomicLong();

        Publisher(KafkaProducer<byte[], byte[]> producer, TrialContext trial, String topic, TrialRecorder recorder) {
            this.producer = producer;
            this.trial = trial;
            this.topic = topic;
            this.recorder = recorder;
        }

        @Override
        public void publish(long index) {
            send(Workload.key(trial.trialId(), index), true);
        }

        @Override
        public void publishWarmUp(long index) {
            send(Workload.warmUpKey(trial.trialId(), index), false);
        }

        private void send(String key, boolean recorded) {
            unacknowledged.acquireUninterruptibly();
            long startMs = System.currentTimeMillis();
            producer.send(
                    new ProducerRecord<>(
                            topic, key.getBytes(StandardCharsets.UTF_8), Workload.payload(key, trial.payloadBytes())),
                    (metadata, error) -> {
                        unacknowledged.release();
                        if (error != null) {
                            failures.incrementAndGet();
                        } else if (recorded) {
                            recorder.onPublishAcknowledged(System.currentTimeMillis() - startMs);
                        }
                    });
        }

        @Override
        public long flush() throws InterruptedException {
            producer.flush();
            if (unacknowledged.tryAcquire(MAX_UNACKNOWLEDGED, 60, TimeUnit.SECONDS)) {
                unacknowledged.release(MAX_UNACKNOWLEDGED);
            }
            return failures.get();
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
