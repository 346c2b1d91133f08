package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
        String message = runWithExpectedUsage(
                dir, "bootstrap.servers=127.0.0.1:9092\nretry.punctuate.interval.ms=5000\n", Map.of());

        assertThat(message).contains("retry.punctuate.interval.ms", "5000");
        assertThat(message).contains("The value comes from retry.punctuate.interval.ms in " + settingsFile(dir) + ".");
    }

    @Test
    void invalidVariableNamedInMessage(@TempDir Path dir) throws Exception {
        String message = runWithExpectedUsage(
                dir,
                "bootstrap.servers=127.0.0.1:9092\nretry.punctuate.interval.ms=10\n",
                Map.of("RETRY_WORKER_RETRY_PUNCTUATE_INTERVAL_MS", "5000"));

        assertThat(message)
                .contains("The value comes from the environment variable RETRY_WORKER_RETRY_PUNCTUATE_INTERVAL_MS"
                        + " (retry.punctuate.interval.ms).");
        assertThat(message).doesNotContain(settingsFile(dir).toString());
    }

    @Test
    void originFindsPrefixedSetting(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "main.consumer.fetch.min.bytes=-5\n");

        String fromFile = RetryWorkerMain.origin("fetch.min.bytes", "-5", Map.of(), file);
        String fromNowhere = RetryWorkerMain.origin("fetch.min.bytes", "-5", Map.of(), null);

        assertThat(fromFile).isEqualTo("main.consumer.fetch.min.bytes in " + file + ".");
        assertThat(fromNowhere).isEmpty();
    }

    @Test
    void originNamesPlaceHoldingValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "consumer.fetch.min.bytes=-5\n");
        Map<String, String> environment = Map.of("RETRY_WORKER_FETCH_MIN_BYTES", "100");

        String origin = RetryWorkerMain.origin("fetch.min.bytes", "-5", environment, file);

        assertThat(origin).isEqualTo("consumer.fetch.min.bytes in " + file + ".");
    }

    @Test
    void unknownWorkerSettingSuggestsName(@TempDir Path dir) throws Exception {
        String message =
                runWithExpectedUsage(dir, "bootstrap.servers=127.0.0.1:9092\nretry.http.prot=9000\n", Map.of());

        assertThat(message).contains("Unknown setting retry.http.prot", "did you mean retry.http.port? ");
        assertThat(message).contains("The setting comes from retry.http.prot in ");
        assertThat(message).doesNotContain("?.");
        assertThat(message).doesNotContain("9000");
    }

    @Test
    void misspeltSecretSuggestsFamily(@TempDir Path dir) throws Exception {
        String message =
                runWithExpectedUsage(dir, "bootstrap.servers=127.0.0.1:9092\nretry.secrt.payments=hunter2\n", Map.of());

        assertThat(message).contains("did you mean retry.secret.payments?");
        assertThat(message).doesNotContain("hunter2");
    }

    @Test
    void emptyStateDirectoryRejected(@TempDir Path dir) throws Exception {
        String message = runWithExpectedUsage(dir, "bootstrap.servers=127.0.0.1:9092\nstate.dir=\n", Map.of());

        assertThat(message).contains("state.dir", "must not be empty");
    }

    @Test
    void streamsSettingNamesNoPrefixes(@TempDir Path dir) throws Exception {
        String message = runWithExpectedUsage(
                dir, "bootstrap.servers=127.0.0.1:9092\nprocessing.guarantee=at_least_once\n", Map.of());

        assertThat(message).contains("remove the setting.", "The value comes from processing.guarantee in ");
        assertThat(message).doesNotContain("prefix");
    }

    @Test
    void producerSettingNamesProducerPrefix(@TempDir Path dir) throws Exception {
        String message = runWithExpectedUsage(dir, "bootstrap.servers=127.0.0.1:9092\nbatch.size=-1\n", Map.of());

        assertThat(message).contains("after a client prefix (producer.).");
        assertThat(message).doesNotContain("consumer.");
    }

    @Test
    void kafkaRetrySettingAccepted(@TempDir Path dir) throws Exception {
        Path file = settingsFile(dir);
        Files.writeString(file, "bootstrap.servers=127.0.0.1:9092\nretry.backoff.ms=250\n");

        Outcome outcome = runMain(Map.of(), "--config", file.toString(), "--print-settings");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).contains("retry.backoff.ms=250\n");
    }

    @Test
    void stateDirectoryFileRejected(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("state-file"), "");

        String message = runWithExpectedUsage(
                dir, "bootstrap.servers=127.0.0.1:9092\nstate.dir=" + notADirectory.resolve("store") + "\n", Map.of());

        assertThat(message).contains("state.dir", notADirectory + " is a file, not a directory");
    }

    @Test
    void invalidClientSettingFailsPrintSettings(@TempDir Path dir) throws Exception {
        String message = runWithExpectedUsage(
                dir, "bootstrap.servers=127.0.0.1:9092\nmain.consumer.fetch.min.bytes=-5\n", Map.of());

        assertThat(message).contains("fetch.min.bytes", "The value comes from main.consumer.fetch.min.bytes in ");
        assertThat(message).doesNotContain("..");
    }

    @Test
    void missingBootstrapServersNamesVariable(@TempDir Path dir) throws Exception {
        String message = runWithExpectedUsage(dir, "application.id=missing\n", Map.of());

        assertThat(message)
                .contains("Set bootstrap.servers in the --config file or with the environment variable"
                        + " RETRY_WORKER_BOOTSTRAP_SERVERS.");
    }

    @Test
    void configDirectoryRejected(@TempDir Path dir) throws Exception {
        Outcome outcome = runMain(Map.of(), "--config", dir.toString());

        String message = outcome.err();
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(message).contains(dir.toString(), "pass the path of a readable properties file to --config");
        assertThat(message).doesNotContain("\tat ");
    }

    /**
     * Runs --print-settings with {@code settings} as the --config file and {@code environment},
     * checks exit code 2 and returns the error text.
     */
    private static String runWithExpectedUsage(Path dir, String settings, Map<String, String> environment)
            throws Exception {
        Path file = settingsFile(dir);
        Files.writeString(file, settings);

        Outcome outcome = runMain(environment, "--config", file.toString(), "--print-settings");

        assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(2);
        return outcome.err();
    }

    /** The exit code and the standard output and error text of one run of the main method. */
    private record Outcome(int exitCode, String out, String err) {}

    private static Outcome runMain(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = RetryWorkerMain.run(
                args,
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path settingsFile(Path dir) {
        return dir.resolve("worker.properties");
    }
}
