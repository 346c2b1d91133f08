package io.retryladder.run;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs the scripted sample downstream as a service, for example as a container next to the
 * workers: {@code java -cp local-run-all.jar io.retryladder.run.DownstreamMain --host 0.0.0.0}.
 * The outage window is measured from the start of the service.
 *
 * <p>SIGTERM and SIGINT stop the server, and the JVM then exits with the signal's code (143 or 130).
 * Other exit codes: 1 when the server could not start, 2 for invalid options.
 */
@Command(
        name = "downstream",
        mixinStandardHelpOptions = true,
        abbreviateSynopsis = true,
        version = "Retry Ladder sample downstream 0.1.0-SNAPSHOT",
        sortOptions = false,
        defaultValueProvider = ScriptOptions.NoOutageDefaults.class,
        description = {
            "Serves the scripted sample downstream over HTTP until it receives SIGTERM or SIGINT.",
            "The script decides the response to every path except GET /health, which always gets 200."
        })
public final class DownstreamMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DownstreamMain.class);

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 listens on every interface. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "8090",
            description = "Port to listen on; 0 picks a free port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--summary-seconds",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "How often to log a summary of the calls, in seconds. Default: ${DEFAULT-VALUE}.")
    int summarySeconds;

    @Mixin
    ScriptOptions scriptOptions;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile DownstreamServer server;

    DownstreamMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        DownstreamMain command = new DownstreamMain(System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(command::stop, "downstream-shutdown"));
        System.exit(run(command, args, System.err));
    }

    static int run(DownstreamMain command, String[] args, PrintStream err) {
        return CommandLines.of(command, command.out, err).execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        DownstreamScript script = scriptOptions.script();
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, got " + port);
        }
        if (summarySeconds < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--summary-seconds must be at least 1, got " + summarySeconds);
        }
        ScriptedResponder responder = new ScriptedResponder(script, Clock.systemUTC());
        try {
            server = DownstreamServer.start(host, port, responder);
        } catch (RuntimeException e) {
            log.error("The sample downstream failed to start on {}:{}", host, port, e);
            responder.close();
            return 1;
        }
        out.println("Sample downstream listening on " + server.baseUrl() + " with " + describe(script));
        log.info("Sample downstream started on {} with {}", server.baseUrl(), describe(script));
        long lastCalls = 0;
        while (!stopped.await(summarySeconds, TimeUnit.SECONDS)) {
            lastCalls = logSummary(lastCalls);
        }
        return 0;
    }

    /** Stops the server and makes {@link #call} return; safe to call more than once. */
    void stop() {
        DownstreamServer running = server;
        if (running != null && stopped.getCount() > 0) {
            running.close();
            log.info("Sample downstream stopped after {} calls", running.calls());
        }
        stopped.countDown();
    }

    /** Returns the port the server listens on, once it started. */
    int boundPort() {
        return server.port();
    }

    private long logSummary(long lastCalls) {
        long calls = server.calls();
        if (calls != lastCalls) {
            log.info(
                    "{} calls, responses by status {}, {} in flight, {} keys with more than one 2xx response",
                    calls,
                    server.responsesByStatus(),
                    server.callsInFlight(),
                    server.effects().keysWithDuplicateEffects().size());
        }
        return calls;
    }

    static String describe(DownstreamScript script) {
        String outage = script.outageDuration().isZero()
                ? "no outage"
                : "an outage of " + script.outageDuration().toSeconds() + " s starting "
                        + script.outageStart().toSeconds() + " s in";
        return String.format(
                Locale.ROOT,
                "failure rate %.3f (HTTP %d), latency %d ms, %s, non-retryable key share %.3f (HTTP %d)",
                script.failureRate(),
                script.failureStatus(),
                script.latency().toMillis(),
                outage,
                script.nonRetryableRate(),
                DownstreamScript.NON_RETRYABLE_STATUS);
    }
}
