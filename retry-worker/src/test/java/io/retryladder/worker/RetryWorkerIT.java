package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class RetryWorkerIT {

    @Test
    void invalidClientSettingExitsWithUsage(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        Properties settings = mainSettings(kafka, dir, "invalid-");
        settings.setProperty("retry.topics.create", "true");
        settings.setProperty("main.consumer.fetch.min.bytes", "-5");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = runMain(settings, dir, err);

        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(message).isEqualTo(2);
        assertThat(message).contains("Invalid worker settings", "fetch.min.bytes", "-5", "main.consumer.");
        assertThat(message).contains("The value comes from main.consumer.fetch.min.bytes in ");
        assertThat(message).doesNotContain("\tat ");
    }

    @Test
    void missingTopicsExitWithOneLine(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        Properties settings = mainSettings(kafka, dir, "missing-");
        settings.setProperty("retry.topics.create", "false");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = runMain(settings, dir, err);

        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(message).isEqualTo(1);
        assertThat(message).contains("failed to start", "do not exist", "retry.topics.create=true");
        assertThat(message).doesNotContain("\tat ");
    }

    @Test
    void portInUseExitsBeforeContactingBrokers(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Properties settings = new Properties();
            // Nothing listens on port 1, so a worker that checked the brokers first would fail on them.
            settings.setProperty("bootstrap.servers", "127.0.0.1:1");
            settings.setProperty("application.id", "port-in-use");
            settings.setProperty("retry.http.host", "127.0.0.1");
            settings.setProperty("retry.http.port", String.valueOf(taken.getLocalPort()));
            settings.setProperty("state.dir", dir.resolve("state").toString());
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int exitCode = runMain(settings, dir, err);

            String message = err.toString(StandardCharsets.UTF_8);
            assertThat(exitCode).as(message).isEqualTo(1);
            assertThat(message).contains("127.0.0.1:" + taken.getLocalPort(), "retry.http.port");
            assertThat(message).doesNotContain("\tat ", "bootstrap.servers");
        }
    }

    @Test
    void failedStartReleasesPortAndClients(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Properties settings = mainSettings(kafka, dir, "failed-start-");
        settings.setProperty("retry.topics.create", "true");
        settings.setProperty("retry.http.host", "127.0.0.1");
        settings.setProperty("retry.http.port", String.valueOf(port));
        String applicationId = settings.getProperty("application.id");
        // Two handlers for one operation type fail the start after the topics, the admin client and
        // the producer exist.
        List<OperationHandler> handlers = List.of(new FailingHandler(), new FailingHandler());

        assertThatThrownBy(() ->
                        RetryWorker.builder(toMap(settings)).handlers(handlers).start())
                .hasMessageContaining("Two handlers serve operation type '" + FailingHandler.TYPE + "'");

        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .extracting(Thread::getName)
                        .noneMatch(name -> name.contains(applicationId)));
    }

    /** Serves a custom operation type by failing every attempt. */
    private static final class FailingHandler implements OperationHandler {

        static final String TYPE = "always-fails";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public CompletionStage<AttemptResult> attempt(AttemptRequest request) {
            return CompletableFuture.failedFuture(new IllegalStateException("not called in this test"));
        }
    }

    private static Map<String, Object> toMap(Properties settings) {
        Map<String, Object> map = new HashMap<>();
        settings.forEach((setting, value) -> map.put((String) setting, value));
        return map;
    }

    /** Returns the settings of a worker started by its main method, with topics named after {@code name}. */
    private static Properties mainSettings(KafkaCluster kafka, Path dir, String name) {
        String id = name + UUID.randomUUID().toString().substring(0, 8);
        Properties settings = new Properties();
        kafka.clientProperties().forEach((setting, value) -> settings.setProperty(setting, String.valueOf(value)));
        settings.setProperty("application.id", id);
        settings.setProperty("retry.topic.prefix", id + "-");
        settings.setProperty("retry.dead.letter.topic", id + "-dlq");
        settings.setProperty("retry.http.port", "0");
        settings.setProperty("state.dir", dir.resolve("state").toString());
        return settings;
    }

    /** Runs the worker's main method with {@code settings} as its --config file and returns its exit code. */
    private static int runMain(Properties settings, Path dir, ByteArrayOutputStream err) throws Exception {
        Path file = dir.resolve("worker.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            settings.store(writer, null);
        }
        return assertTimeoutPreemptively(
                Duration.ofSeconds(90),
                () -> RetryWorkerMain.run(
                        new String[] {"--config", file.toString()},
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
    }

    @Test
    void retriedOperationSucceeds(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "500,1000,2000")) {
            pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();

            publisher
                    .publish(operation(downstream, "ok-1"), Failure.httpStatus(503, "HTTP 503", null))
                    .get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> downstream.effects("ok-1") == 1);
            Call call = downstream.calls().get(0);
            assertThat(call.attempt()).isEqualTo(2);
            assertThat(call.arrivedAtMs()).isGreaterThanOrEqualTo(call.dueAtMs());
            Thread.sleep(1500);
            assertThat(downstream.calls()).hasSize(1);
            assertThat(pipeline.deadLetters()).isEmpty();
        }
    }

    @Test
    void alwaysFailingReachesDeadLetterAfterMaxAttempts(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.status(503));
                Pipeline pipeline = new Pipeline(kafka, "500,1000,2000")) {
            pipeline.startWorker();
            pipeline.publisher()
                    .publish(operation(downstream, "dead-1"), Failure.httpStatus(503, "HTTP 503", null))
                    .get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> pipeline.deadLetters().size() == 1);
            List<Call> calls = downstream.calls();
            assertThat(calls).extracting(Call::attempt).containsExactly(2, 3, 4);
            for (Call call : calls) {
                assertThat(call.arrivedAtMs())
                        .as("attempt %d never early", call.attempt())
                        .isGreaterThanOrEqualTo(call.dueAtMs());
                assertThat(call.arrivedAtMs() - call.dueAtMs())
                        .as("attempt %d lateness in ms", call.attempt())
                        .isLessThan(500);
            }
            FailedOperation deadLetter = pipeline.deadLetterEnvelopes().get(0);
            assertThat(deadLetter.getAttempt()).isEqualTo(4);
            assertThat(deadLetter.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.ATTEMPTS_EXHAUSTED);
            assertThat(deadLetter.getLastError().getHttpStatus()).isEqualTo(503);
        }
    }

    @Test
    void ownRegistryCarriesJvmMeters(KafkaCluster kafka) throws Exception {
        try (Pipeline pipeline = new Pipeline(kafka, "500,1000,2000")) {
            RetryWorker worker = pipeline.startWorker();

            String scrape = worker.meterRegistry().scrape();

            assertThat(scrape).contains("jvm_memory_used_bytes{");
            assertThat(scrape).contains("jvm_threads_live_threads ");
            assertThat(scrape).contains("process_cpu_usage ");
        }
    }

    private static Operation operation(LoopbackDownstream downstream, String key) {
        return Operation.http("POST", downstream.baseUrl() + "/charges")
                .idempotencyKey(key)
                .body("{}")
                .build();
    }
}
