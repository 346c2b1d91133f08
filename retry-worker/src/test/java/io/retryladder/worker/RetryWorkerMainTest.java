package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryWorkerMainTest {

    @Test
    void printSettingsShowsDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(
                file,
                "bootstrap.servers=127.0.0.1:9092\n"
                        + "application.id=print\n"
                        + "main.consumer.fetch.min.bytes=1\n"
                        + "sasl.jaas.config=org.example.Login required password=\"s3cret\";\n"
                        + "retry.secret.payments.token=t0ken\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exitCode = RetryWorkerMain.run(
                new String[] {"--config", file.toString(), "--print-settings"},
                Map.of("RETRY_WORKER_RETRY_MAX_IN_FLIGHT", "32"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).isZero();
        assertThat(printed).contains("retry.punctuate.interval.ms=10\n");
        assertThat(printed).contains("retry.tier.delays.ms=1000,4000,16000\n");
        assertThat(printed).contains("retry.max.in.flight=32\n");
        assertThat(printed).contains("commit.interval.ms=200\n");
        assertThat(printed).contains("main.consumer.fetch.min.bytes=1\n");
        assertThat(printed).contains("producer.batch.size=131072\n");
        assertThat(printed).contains("sasl.jaas.config=[hidden]\n");
        assertThat(printed).contains("retry.secret.payments.token=[hidden]\n");
        assertThat(printed).doesNotContain("s3cret");
        assertThat(printed).doesNotContain("t0ken");
    }

    @Test
    void invalidDeclaredSettingExitsWithUsage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "bootstrap.servers=127.0.0.1:9092\nretry.punctuate.interval.ms=5000\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = RetryWorkerMain.run(
                new String[] {"--config", file.toString(), "--print-settings"},
                Map.of(),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).isEqualTo(2);
        assertThat(message).contains("retry.punctuate.interval.ms", "5000");
        assertThat(message).contains("The value comes from retry.punctuate.interval.ms in " + file + ";");
    }

    @Test
    void invalidVariableNamedInMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "bootstrap.servers=127.0.0.1:9092\nretry.punctuate.interval.ms=10\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = RetryWorkerMain.run(
                new String[] {"--config", file.toString(), "--print-settings"},
                Map.of("RETRY_WORKER_RETRY_PUNCTUATE_INTERVAL_MS", "5000"),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).isEqualTo(2);
        assertThat(message)
                .contains("The value comes from the environment variable RETRY_WORKER_RETRY_PUNCTUATE_INTERVAL_MS"
                        + " (retry.punctuate.interval.ms);");
        assertThat(message).doesNotContain(file.toString());
    }

    @Test
    void clientSettingOriginFindsPrefix(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "main.consumer.fetch.min.bytes=-5\nproducer.fetch.min.bytes=7\n");
        ConfigException invalid = new ConfigException("fetch.min.bytes", -5, "Value must be at least 0");

        String fromFile = RetryWorkerMain.origin(invalid, Map.of(), file, "main.consumer.", "consumer.");
        String fromNowhere = RetryWorkerMain.origin(invalid, Map.of(), null, "main.consumer.");
        String unnamed = RetryWorkerMain.origin(new ConfigException("no name here"), Map.of(), file);

        assertThat(fromFile)
                .isEqualTo(" The value comes from main.consumer.fetch.min.bytes in " + file + "; correct it there.");
        assertThat(fromNowhere).isEmpty();
        assertThat(unnamed).isEmpty();
    }
}
