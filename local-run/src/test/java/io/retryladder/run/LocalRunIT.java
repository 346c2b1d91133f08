package io.retryladder.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs small versions of the local run through its command-line entry point. Each calls 500
 * operations over 5 s with a 2 s outage and a ladder of 200, 400 and 800 ms. The downstream responds
 * 422 to 5% of the keys.
 */
@ExtendWith(KafkaExtension.class)
class LocalRunIT {

    private static final int OPERATIONS = 500;

    @BeforeAll
    static void keepLogsInTheTestOutput() {
        System.setProperty(RunLogging.LOG_FILE_PROPERTY, "System.err");
    }

    @Test
    void inProcessRunAccountsForEveryOperation(@TempDir Path dataDir) throws IOException {
        Output out = new Output();
        LocalRunMain command = new LocalRunMain(out.stream, false);

        int exitCode = LocalRunMain.run(command, smallRun(dataDir).toArray(String[]::new), out.stream);

        assertThat(exitCode).as("exit code; output:%n%s", out).isZero();
        assertAccountingHolds(command.report());
        assertThat(out.text()).contains("The accounting holds");
        assertThat(out.text()).contains("Kafka broker started on 127.0.0.1:");
        assertThat(remainingFiles(dataDir))
                .as("a run whose accounting holds keeps only its log")
                .allSatisfy(path -> assertThat(path.getFileName()).hasToString("run.log"));
    }

    @Test
    void runOnExistingClusterAccountsForEveryOperation(KafkaCluster kafka, @TempDir Path dataDir) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        List<String> args = smallRun(dataDir);
        args.addAll(List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic-prefix",
                "it-" + id + "-",
                "--application-id",
                "local-run-it-" + id));
        Output out = new Output();
        LocalRunMain command = new LocalRunMain(out.stream, false);

        int exitCode = LocalRunMain.run(command, args.toArray(String[]::new), out.stream);

        assertThat(exitCode).as("exit code; output:%n%s", out).isZero();
        assertAccountingHolds(command.report());
        assertThat(out.text()).contains("Using the Kafka cluster at " + kafka.bootstrapServers());
        assertThat(out.text()).contains("dead letters to it-" + id + "-dlq");
    }

    @Test
    void keepRunningLeavesThePipelineUpUntilStopped(@TempDir Path dataDir) throws Exception {
        List<String> args = smallRun(dataDir);
        args.addAll(List.of("--keep-running", "--broker-port", "0"));
        args.set(args.indexOf("--operations") + 1, "100");
        args.set(args.indexOf("--outage-seconds") + 1, "0");
        Output out = new Output();
        LocalRunMain command = new LocalRunMain(out.stream, false);
        CompletableFuture<Integer> exitCode =
                CompletableFuture.supplyAsync(() -> LocalRunMain.run(command, args.toArray(String[]::new), out.stream));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!out.text().contains("Press Ctrl-C to stop.") && !exitCode.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(out.text()).as("output").contains("Press Ctrl-C to stop.");
        assertThat(exitCode).as("the run keeps running").isNotDone();
        assertThat(out.text())
                .contains("  --dead-letter-topic retry-dlq")
                .contains("  --tier-topics retry-200ms,retry-400ms,retry-800ms")
                .contains("  --application-id retry-ladder-local");
        String bootstrapServers = printed(out.text(), "  --bootstrap-server (\\S+)");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains("retry-dlq", "retry-200ms", "retry-400ms", "retry-800ms");
        }

        command.stop();

        assertThat(exitCode.get(120, TimeUnit.SECONDS)).isZero();
        AccountingReport report = command.report();
        assertThat(report.called()).isEqualTo(100);
        assertThat(report.pending()).isZero();
        assertThat(report.holds()).isTrue();
        assertThat(remainingFiles(dataDir))
                .as("--keep-running keeps the broker data")
                .anyMatch(path -> path.toString().contains("kafka"));
    }

    private static List<String> smallRun(Path dataDir) {
        return new ArrayList<>(List.of(
                "--operations",
                Integer.toString(OPERATIONS),
                "--duration-seconds",
                "5",
                "--outage-start-seconds",
                "1",
                "--outage-seconds",
                "2",
                "--tier-delays-ms",
                "200,400,800",
                "--failure-rate",
                "0.2",
                "--non-retryable-rate",
                "0.05",
                "--latency-ms",
                "5",
                "--timeout-seconds",
                "180",
                "--plain",
                "--data-dir",
                dataDir.toString()));
    }

    private static void assertAccountingHolds(AccountingReport report) {
        assertThat(report).as("report").isNotNull();
        assertThat(report.called()).isEqualTo(OPERATIONS);
        assertThat(report.published()).as("published").isPositive();
        assertThat(report.succeeded() + report.deadLettered())
                .as("succeeded + dead-lettered")
                .isEqualTo(report.published());
        assertThat(report.pending()).as("pending").isZero();
        assertThat(report.duplicatedEffects())
                .as("keys with duplicated effects")
                .isZero();
        assertThat(report.succeededAndDeadLettered())
                .as("keys both succeeded and dead-lettered")
                .isZero();
        assertThat(report.failedToPublish())
                .as("operations that failed to publish")
                .isZero();
        assertThat(report.deadLetteredByReason()).as("dead letters by reason").containsKey("NON_RETRYABLE");
        assertThat(report.holds()).as("accounting holds").isTrue();
    }

    private static List<Path> remainingFiles(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static String printed(String output, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(output);
        assertThat(matcher.find()).as("output matches %s", regex).isTrue();
        return matcher.group(1);
    }

    /** Everything the run printed, readable while it runs. */
    private static final class Output {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return text();
        }
    }
}
