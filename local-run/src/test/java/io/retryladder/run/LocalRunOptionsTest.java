package io.retryladder.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class LocalRunOptionsTest {

    @Test
    void defaultsDescribeTheDemoRun() {
        RunOptions options = parse();

        assertThat(options.operations()).isEqualTo(10_000);
        assertThat(options.loadDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.workers()).isEqualTo(2);
        assertThat(options.partitions()).isEqualTo(6);
        assertThat(options.tierDelaysSetting()).isEqualTo("1000,4000,16000");
        assertThat(options.inProcessBroker()).isTrue();
        assertThat(options.brokerPort()).isZero();
        assertThat(options.scriptedDownstream()).isTrue();
        assertThat(options.script().outageStart()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.script().outageDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.script().failureRate()).isEqualTo(0.2);
        assertThat(options.deadLetterTopic()).isEqualTo("retry-dlq");
        assertThat(options.applicationId()).isEqualTo("retry-ladder-local");
        assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(options.liveView()).isEqualTo(LiveView.Mode.PLAIN);
    }

    @Test
    void rateSetsTheLoadDuration() {
        RunOptions options = parse("--operations", "1000", "--rate", "250");

        assertThat(options.loadDuration()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void keepRunningUsesAFixedBrokerPort() {
        assertThat(parse("--keep-running").brokerPort()).isEqualTo(9092);
        assertThat(parse("--keep-running", "--broker-port", "0").brokerPort()).isZero();
    }

    @Test
    void downstreamUrlReplacesTheScript() {
        RunOptions options = parse("--downstream-url", "http://localhost:8090/api");

        assertThat(options.scriptedDownstream()).isFalse();
        assertThat(options.script()).isNull();
        assertThat(options.downstreamUrl()).isEqualTo(URI.create("http://localhost:8090/api"));
    }

    @Test
    void clientConfigFileReachesEveryClient(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");

        RunOptions options = parse("--bootstrap-servers", "kafka:9093", "--client-config", file.toString());

        assertThat(options.bootstrapServers()).isEqualTo("kafka:9093");
        assertThat(options.clientSettings())
                .isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
    }

    @Test
    void consoleGetsAnsiViewUnlessPlain() {
        assertThat(parse(true).liveView()).isEqualTo(LiveView.Mode.ANSI);
        assertThat(parse(true, "--plain").liveView()).isEqualTo(LiveView.Mode.PLAIN);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--failure-rate 1.5 | --failure-rate must be a share between 0 and 1, got 1.5; for 5% write 0.05",
                "--non-retryable-rate -0.1 | --non-retryable-rate must be a share between 0 and 1, got -0.1; for 5% write"
                        + " 0.05",
                "--failure-status 200 | --failure-status must be an error status from 400 to 599, got 200; use 500 for a"
                        + " retryable failure that does not slow the workers down",
                "--latency-ms -5 | --latency-ms must be between 0 and 60000 milliseconds, got -5",
                "--outage-seconds 7200 | --outage-seconds must be between 0 and 3600 seconds, got 7200",
                "--operations 0 | --operations must be between 1 and 1000000, got 0",
                "--operations 99999999999 | --operations must be between 1 and 1000000, got 99999999999",
                "--duration-seconds 10 --rate 5 | --duration-seconds and --rate both set the pace of the load;"
                        + " give one of them",
                "--rate 0 | --rate must be more than 0 and at most 100000 calls per second, got 0.0",
                "--workers 7 | --workers 7 exceeds --partitions 6, so some workers would get no partition;"
                        + " lower --workers or raise --partitions",
                "--tier-delays-ms 4000,1000 | --tier-delays-ms must list whole milliseconds greater than 0,"
                        + " shortest first, such as 1000,4000,16000; got '4000,1000'",
                "--tier-delays-ms 1s,4s | --tier-delays-ms must list whole milliseconds greater than 0,"
                        + " shortest first, such as 1000,4000,16000; got '1s,4s'",
                "--bootstrap-servers kafka:9092 --broker-port 9093 | --broker-port sets the port of the in-process"
                        + " broker, which --bootstrap-servers replaces; give one of them",
                "--broker-port 70000 | --broker-port must be between 0 and 65535, got 70000",
                "--downstream-url ftp://files | --downstream-url must be an http or https URL with a host, such as"
                        + " http://localhost:8090, got 'ftp://files'",
                "--downstream-url http://localhost:8090 --failure-rate 0.5 --latency-ms 5 | Options of the sample"
                        + " downstream (--failure-rate, --latency-ms) have no effect with --downstream-url, which"
                        + " replaces that downstream; drop them or drop --downstream-url",
                "--topic-prefix a/b | --topic-prefix must be 1 to 200 characters from letters, digits, '.', '_' and"
                        + " '-', got 'a/b'",
                "--client-config /no/such/file | --client-config /no/such/file is not a readable file; give a"
                        + " properties file with Kafka client settings",
                "--timeout-seconds 0 | --timeout-seconds must be between 1 and 86400, got 0"
            })
    void invalidOptionNamesValueAndFix(String arguments, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LocalRunMain command = new LocalRunMain(new PrintStream(new ByteArrayOutputStream()), false);

        int exitCode =
                LocalRunMain.run(command, arguments.split(" "), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo(message + System.lineSeparator() + "Run run-local --help for the options."
                        + System.lineSeparator());
        assertThat(command.report()).isNull();
    }

    @Test
    void dataDirThatIsAFileIsAUsageError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LocalRunMain command = new LocalRunMain(new PrintStream(new ByteArrayOutputStream()), false);

        int exitCode = LocalRunMain.run(
                command,
                new String[] {"--data-dir", file.toString()},
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("Failed to create the run directory " + file)
                .contains("check that --data-dir is writable");
        assertThat(command.report()).isNull();
    }

    @Test
    void unknownOptionIsRejected() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LocalRunMain command = new LocalRunMain(new PrintStream(new ByteArrayOutputStream()), false);

        int exitCode = LocalRunMain.run(
                command, new String[] {"--operation", "5"}, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("Unknown options: '--operation', '5'")
                .contains("Possible solutions: --operations");
    }

    @Test
    void helpListsEveryOption() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LocalRunMain command = new LocalRunMain(new PrintStream(out, true, StandardCharsets.UTF_8), false);

        int exitCode = LocalRunMain.run(command, new String[] {"--help"}, new PrintStream(new ByteArrayOutputStream()));

        assertThat(exitCode).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : List.of(
                "--operations",
                "--failure-rate",
                "--latency-ms",
                "--outage-seconds",
                "--outage-start-seconds",
                "--non-retryable-rate",
                "--duration-seconds",
                "--rate",
                "--workers",
                "--bootstrap-servers",
                "--downstream-url",
                "--keep-running")) {
            assertThat(help).contains(option);
        }
    }

    private static RunOptions parse(String... args) {
        return parse(false, args);
    }

    private static RunOptions parse(boolean console, String... args) {
        LocalRunMain command = new LocalRunMain(new PrintStream(new ByteArrayOutputStream()), console);
        new CommandLine(command).parseArgs(args);
        return command.options();
    }
}
