package io.retryladder.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DownstreamMainTest {

    @Test
    void servesTheScriptUntilStopped() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DownstreamMain command = new DownstreamMain(new PrintStream(out, true, StandardCharsets.UTF_8));
        String[] args = {"--host", "127.0.0.1", "--port", "0", "--non-retryable-rate", "1", "--failure-rate", "0"};
        CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(
                () -> DownstreamMain.run(command, args, new PrintStream(new ByteArrayOutputStream())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString(StandardCharsets.UTF_8).contains("listening on") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Sample downstream listening on http://127.0.0.1:");

        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + command.boundPort() + "/orders"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Idempotency-Key", "k1")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(422);

        command.stop();
        assertThat(exitCode.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void serviceHasNoOutageByDefault() {
        DownstreamMain command = new DownstreamMain(new PrintStream(new ByteArrayOutputStream()));
        new CommandLine(command).parseArgs();

        assertThat(command.scriptOptions.script().outageDuration()).isZero();
    }

    @Test
    void invalidOptionIsRejected() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DownstreamMain command = new DownstreamMain(new PrintStream(new ByteArrayOutputStream()));

        int exitCode = DownstreamMain.run(
                command, new String[] {"--failure-rate", "20"}, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("--failure-rate must be a share between 0 and 1, got 20.0; for 5% write 0.05");
    }

    @Test
    void portOutOfRangeIsRejected() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DownstreamMain command = new DownstreamMain(new PrintStream(new ByteArrayOutputStream()));

        int exitCode = DownstreamMain.run(
                command, new String[] {"--port", "65536"}, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("--port must be between 0 and 65535, got 65536");
    }
}
