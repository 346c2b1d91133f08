package io.retryladder.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a broker: help, usage errors and the effective settings. */
class DlqToolsCommandTest {

    private static final String UNREACHABLE = "127.0.0.1:1";

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun result = run(Map.of(), "--help");

        assertThat(result.exitCode).isZero();
        assertThat(result.out)
                .contains("list", "inspect", "stats", "replay", "resolve", "export", "config", "generate-completion");
        assertThat(result.out).contains("Exit codes:", "130", "Partially done");
    }

    @Test
    void everyCommandHelpDescribesItsOptions() {
        for (String command : List.of("list", "inspect", "stats", "replay", "resolve", "export", "config")) {
            CliRun result = run(Map.of(), command, "--help");
            assertThat(result.exitCode).as(command).isZero();
            assertThat(result.out)
                    .as(command)
                    .contains("--bootstrap-server", "--command-config", "--config", "Exit codes:");
        }
        CliRun replay = run(Map.of(), "replay", "--help");
        assertThat(replay.out)
                .contains(
                        "--rate=RECORDS_PER_SECOND",
                        "--dry-run",
                        "--replay-id",
                        "--max-replays",
                        "--confirm-above",
                        "--force",
                        "--tier",
                        "--limit",
                        "--since=TIME",
                        "--error-kind");
    }

    @Test
    void generateCompletionPrintsBashScript() {
        CliRun result = run(Map.of(), "generate-completion");

        assertThat(result.exitCode).isZero();
        assertThat(result.out).contains("complete -F", "dlq-tools");
    }

    @Test
    void missingBootstrapServersIsUsageError() {
        CliRun result = run(Map.of(), "list");

        assertThat(result.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err)
                .contains("bootstrap.servers is not set", "--bootstrap-server", "DLQ_TOOLS_BOOTSTRAP_SERVERS");
    }

    @Test
    void invalidArgumentsAreUsageErrors() {
        Map<String, String> environment = Map.of("DLQ_TOOLS_BOOTSTRAP_SERVERS", UNREACHABLE);

        assertThat(run(environment, "list", "--since", "yesterday").err).contains("Invalid time 'yesterday'", "2h");
        assertThat(run(environment, "list", "--attempts", "4-2").err).contains("ends before it starts");
        assertThat(run(environment, "inspect", "zero").err).contains("expected <partition>:<offset>");
        assertThat(run(environment, "list", "--error-kind", "BOGUS").err).contains("HTTP_STATUS");
        assertThat(run(environment, "replay", "--all", "--replay-id", "a/b").err)
                .contains("Invalid replay id 'a/b'");
        assertThat(run(environment, "replay", "--all", "--rate", "-1").err).contains("--rate must be 0");
        assertThat(run(environment, "replay", "--all", "--limit", "-1").err).contains("--limit must be 0");
        assertThat(run(environment, "replay").err).contains("pass --all");
        assertThat(run(environment, "list", "--http-status", "700").err).contains("700");
        for (String[] args : List.of(
                new String[] {"list", "--since", "yesterday"},
                new String[] {"replay", "--all", "--replay-id", "a/b"},
                new String[] {"replay"},
                new String[] {"list", "--http-status", "700"},
                new String[] {"list", "--no-such-option"})) {
            assertThat(run(environment, args).exitCode)
                    .as(String.join(" ", args))
                    .isEqualTo(ExitCodes.USAGE);
        }
    }

    @Test
    void invalidSettingIsUsageError() {
        CliRun result = run(
                Map.of("DLQ_TOOLS_BOOTSTRAP_SERVERS", UNREACHABLE, "DLQ_TOOLS_RETRY_TIER_DELAYS_MS", "5,x"), "config");

        assertThat(result.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err).contains("retry.tier.delays.ms", "'x' is not a whole number of milliseconds");
    }

    @Test
    void configNeedsNoBootstrapServers() {
        CliRun result = run(Map.of(), "config");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out).containsPattern("bootstrap.servers +\\(empty\\) +not set");
        assertThat(result.out).contains("Topic of dead letters: retry-dlq");
    }

    @Test
    void pluralBootstrapOptionIsAccepted() {
        CliRun result = run(Map.of(), "config", "--bootstrap-servers", "plural:9092");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out).containsPattern("bootstrap.servers +plural:9092 +option");
    }

    @Test
    void optionBeatsEnvironmentBeatsFile(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("dlq-tools.properties");
        Files.writeString(
                file, "bootstrap.servers=file:9092\nretry.dead.letter.topic=file-dlq\napplication.id=file-app\n");
        Map<String, String> environment = Map.of(
                "DLQ_TOOLS_BOOTSTRAP_SERVERS", "environment:9092", "DLQ_TOOLS_RETRY_DEAD_LETTER_TOPIC", "env-dlq");

        CliRun result = run(environment, "config", "--config", file.toString(), "--bootstrap-server", "option:9092");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out).containsPattern("bootstrap.servers +option:9092 +option");
        assertThat(result.out)
                .containsPattern("retry.dead.letter.topic +env-dlq +environment DLQ_TOOLS_RETRY_DEAD_LETTER_TOPIC");
        assertThat(result.out).containsPattern("application.id +file-app +--config " + file);
        assertThat(result.out)
                .contains(
                        "Topic of resolutions: env-dlq-resolved",
                        "Topic of replay markers: env-dlq-replays",
                        "Topic of worker state: file-app-operations-changelog");
    }

    @Test
    void configMasksSecrets(@TempDir Path directory) throws Exception {
        Path commandConfig = directory.resolve("client.properties");
        Files.writeString(
                commandConfig,
                "security.protocol=SASL_SSL\nsasl.jaas.config=secret-login\n"
                        + "ssl.truststore.password=secret-store\n");
        Map<String, String> environment = Map.of(
                "DLQ_TOOLS_BOOTSTRAP_SERVERS",
                UNREACHABLE,
                "DLQ_TOOLS_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
                "user:secret-registry");

        CliRun result = run(environment, "config", "--command-config", commandConfig.toString(), "-o", "json");

        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.out).doesNotContain("secret-login", "secret-store", "secret-registry");
        assertThat(result.out).contains("\"security.protocol\"", "SASL_SSL", "[hidden]");
    }

    @Test
    void missingCommandConfigFileIsUsageError(@TempDir Path directory) {
        CliRun result = run(
                Map.of("DLQ_TOOLS_BOOTSTRAP_SERVERS", UNREACHABLE),
                "config",
                "--command-config",
                directory.resolve("absent.properties").toString());

        assertThat(result.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err).contains("Settings file not found", "absent.properties", "--command-config");
    }

    @Test
    void unreachableBrokerTimesOutWithAdvice() {
        CliRun result = run(
                Map.of("DLQ_TOOLS_BOOTSTRAP_SERVERS", UNREACHABLE, "DLQ_TOOLS_DLQ_REQUEST_TIMEOUT_MS", "1000"), "list");

        assertThat(result.exitCode).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err)
                .contains("Failed to read the partitions of topic retry-dlq: timed out", "check --bootstrap-server");
    }

    @Test
    void unresolvableBrokerIsUsageError() {
        CliRun result = run(Map.of("DLQ_TOOLS_BOOTSTRAP_SERVERS", "no-such-host.invalid:9092"), "list");

        assertThat(result.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err).contains("No resolvable bootstrap urls", "--bootstrap-server");
    }

    private static CliRun run(Map<String, String> environment, String... args) {
        return CliRun.run(new ToolContext(environment, Clock.systemUTC(), Terminal.none(), new StopSignal()), args);
    }
}
