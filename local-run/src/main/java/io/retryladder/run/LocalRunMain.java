package io.retryladder.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code ./run-local} command: runs the whole pipeline on this machine and prints an
 * accounting report.
 *
 * <p>Exit codes: 0 when the accounting holds, 1 when it does not or operations were still pending at
 * the timeout, 2 for invalid options, 3 when the run itself failed (a component did not start, for
 * example). Ctrl-C ends the JVM with the exit code of SIGINT, 130.
 */
@Command(
        name = "run-local",
        mixinStandardHelpOptions = true,
        abbreviateSynopsis = true,
        version = "Retry Ladder local run 0.1.0-SNAPSHOT",
        sortOptions = false,
        description = {
            "Runs the retry pipeline on this machine: a Kafka broker in this process, a scripted downstream"
                    + " on loopback, a load generator that calls it through the producer library, and retry"
                    + " workers that share the tier topics. Shows a live view while it runs and ends with an"
                    + " accounting report.",
            ""
        },
        footer = {
            "",
            "Exit codes: 0 the accounting holds; 1 it does not, or operations were pending at the timeout;"
                    + " 2 invalid options; 3 the run failed.",
            "Logs of the broker, clients and workers go to run.log in the run's directory under --data-dir."
        })
public final class LocalRunMain implements Callable<Integer> {

    static final int EXIT_ACCOUNTING_FAILED = 1;
    static final int EXIT_RUN_FAILED = 3;
    private static final int DEFAULT_DURATION_SECONDS = 30;
    private static final int KEEP_RUNNING_BROKER_PORT = 9092;

    @Option(
            names = "--operations",
            paramLabel = "COUNT",
            defaultValue = "10000",
            description = "Operations the load generator calls, each with a unique idempotency key."
                    + " Default: ${DEFAULT-VALUE}.")
    // A long, so that a value past the int range gets the range message and not a type error.
    long operations;

    @Option(
            names = "--duration-seconds",
            paramLabel = "SECONDS",
            description = "Time over which the calls are spread evenly, in seconds. Default: "
                    + DEFAULT_DURATION_SECONDS + " unless --rate is given.")
    Integer durationSeconds;

    @Option(
            names = "--rate",
            paramLabel = "CALLS_PER_SECOND",
            description = "Calls per second of the load, instead of --duration-seconds.")
    Double rate;

    @Mixin
    ScriptOptions scriptOptions;

    @Option(
            names = "--downstream-url",
            paramLabel = "URL",
            description = "Call this real service instead of the scripted downstream, through a counting proxy on"
                    + " loopback; for example http://localhost:8090.")
    String downstreamUrl;

    @Option(
            names = "--workers",
            paramLabel = "COUNT",
            defaultValue = "2",
            description = "Retry workers to run in this process, in one consumer group. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(
            names = "--partitions",
            paramLabel = "COUNT",
            defaultValue = "6",
            description =
                    "Partitions of each tier and dead-letter topic the workers create. Default:" + " ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--tier-delays-ms",
            paramLabel = "MS,MS,...",
            defaultValue = "1000,4000,16000",
            description = "Delay of each tier, in milliseconds, shortest first. Default: ${DEFAULT-VALUE}.")
    String tierDelays;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT,...",
            description = "Use this Kafka cluster instead of starting a broker in this process.")
    String bootstrapServers;

    @Option(
            names = "--client-config",
            paramLabel = "FILE",
            description = "Properties file with Kafka client settings, such as security.protocol, for every client"
                    + " of the run.")
    Path clientConfig;

    @Option(
            names = "--broker-port",
            paramLabel = "PORT",
            description = "Port of the in-process broker; 0 picks a free port. Default: 0, or "
                    + KEEP_RUNNING_BROKER_PORT + " with --keep-running.")
    Integer brokerPort;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = "retry-",
            description = "Prefix of the tier topics, which end with their delay (retry-1s), and of the"
                    + " dead-letter topic (retry-dlq). Default: ${DEFAULT-VALUE}.")
    String topicPrefix;

    @Option(
            names = "--application-id",
            paramLabel = "ID",
            defaultValue = "retry-ladder-local",
            description = "application.id of the workers: their consumer group. Default: ${DEFAULT-VALUE}.")
    String applicationId;

    @Option(
            names = "--timeout-seconds",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "Maximum wait, after the last call of the load, for every published operation to succeed"
                    + " or be dead-lettered. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "run-data",
            description = "Directory under which each run gets a directory for its broker data, worker state and"
                    + " log. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(
            names = "--keep-running",
            description = "After the report, keep the broker, downstream and workers running, print the settings"
                    + " dlq-tools needs to connect, and wait for Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--plain",
            description = "Print the live view as plain lines every few seconds, even on a terminal.")
    boolean plain;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final boolean console;
    private volatile LocalRun run;
    private volatile AccountingReport report;
    private volatile boolean stopRequested;

    LocalRunMain(PrintStream out, boolean console) {
        this.out = out;
        this.console = console;
    }

    public static void main(String[] args) {
        LocalRunMain command = new LocalRunMain(System.out, System.console() != null);
        Runtime.getRuntime().addShutdownHook(new Thread(command::stop, "local-run-shutdown"));
        System.exit(run(command, args, System.err));
    }

    static int run(LocalRunMain command, String[] args, PrintStream err) {
        return CommandLines.of(command, command.out, err).execute(args);
    }

    @Override
    public Integer call() {
        RunOptions options = options();
        RunDirectory directory;
        try {
            directory = RunDirectory.create(options.dataDir());
        } catch (UncheckedIOException e) {
            // Picocli reports a ParameterException thrown here as a usage error, with exit code 2.
            throw invalid(e.getMessage());
        }
        RunLogging.toFile(directory.logFile());
        synchronized (this) {
            if (stopRequested) {
                return EXIT_RUN_FAILED;
            }
            run = new LocalRun(options, directory, out);
        }
        try {
            report = run.execute();
        } catch (RuntimeException e) {
            if (stopRequested) {
                return EXIT_RUN_FAILED;
            }
            out.println();
            out.println("The local run failed: " + e.getMessage());
            out.println("See " + directory.logFile() + " for the logs of the broker, clients and workers.");
            RunLogging.logFailure(e);
            return EXIT_RUN_FAILED;
        } finally {
            run.close();
        }
        return report.holds() ? 0 : EXIT_ACCOUNTING_FAILED;
    }

    /** Stops a run in progress, or a run that keeps running after its report; safe to call more than once. */
    void stop() {
        LocalRun current;
        synchronized (this) {
            stopRequested = true;
            current = run;
        }
        if (current != null) {
            current.close();
        }
    }

    /** Returns the report of the last run, or null when none finished. */
    AccountingReport report() {
        return report;
    }

    /** Returns the run in progress, or null before it starts. */
    LocalRun currentRun() {
        return run;
    }

    /** Validates the options and returns the settings of the run. */
    RunOptions options() {
        requireBetween("--operations", operations, 1, 1_000_000);
        Duration loadDuration = loadDuration();
        DownstreamScript script = scriptOptions.script();
        URI downstream = downstreamUrl == null ? null : downstreamUri();
        if (downstream != null) {
            rejectScriptOptions();
        }

        requireBetween("--workers", workers, 1, 16);
        requireBetween("--partitions", partitions, 1, 1_000);
        if (workers > partitions) {
            throw invalid("--workers " + workers + " exceeds --partitions " + partitions
                    + ", so some workers would get no partition; lower --workers or raise --partitions");
        }

        requireBetween("--timeout-seconds", timeoutSeconds, 1, 86_400);
        if (bootstrapServers != null && brokerPort != null) {
            throw invalid("--broker-port sets the port of the in-process broker, which --bootstrap-servers"
                    + " replaces; give one of them");
        }
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            throw invalid("--bootstrap-servers must list host:port pairs, got an empty value");
        }
        int port = keepRunning ? KEEP_RUNNING_BROKER_PORT : 0;
        if (brokerPort != null) {
            port = brokerPort;
        }
        requireBetween("--broker-port", port, 0, 65_535);

        requireTopicPrefix();
        if (applicationId.isBlank()) {
            throw invalid("--application-id must not be empty");
        }

        return new RunOptions(
                (int) operations,
                loadDuration,
                downstream == null ? script : null,
                downstream,
                workers,
                partitions,
                TierDelays.parse(tierDelays, this::invalid),
                bootstrapServers == null ? null : bootstrapServers.strip(),
                clientSettings(),
                port,
                dataDir,
                Duration.ofSeconds(timeoutSeconds),
                topicPrefix,
                applicationId,
                keepRunning,
                console && !plain ? LiveView.Mode.ANSI : LiveView.Mode.PLAIN);
    }

    private Duration loadDuration() {
        if (durationSeconds != null && rate != null) {
            throw invalid("--duration-seconds and --rate both set the pace of the load; give one of them");
        }
        if (rate != null) {
            if (!(rate > 0 && rate <= 100_000)) {
                throw invalid("--rate must be more than 0 and at most 100000 calls per second, got " + rate);
            }
            return Duration.ofNanos(Math.round(operations / rate * 1e9));
        }
        int seconds = durationSeconds != null ? durationSeconds : DEFAULT_DURATION_SECONDS;
        requireBetween("--duration-seconds", seconds, 1, 3_600);
        return Duration.ofSeconds(seconds);
    }

    private URI downstreamUri() {
        URI uri;
        try {
            uri = new URI(downstreamUrl.strip());
        } catch (URISyntaxException e) {
            throw invalid("--downstream-url must be an http or https URL such as http://localhost:8090, got '"
                    + downstreamUrl + "': " + e.getReason());
        }
        boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
        if (!http || uri.getHost() == null) {
            throw invalid("--downstream-url must be an http or https URL with a host, such as"
                    + " http://localhost:8090, got '" + downstreamUrl + "'");
        }
        return uri;
    }

    private void rejectScriptOptions() {
        List<String> scriptOptionsGiven = new ArrayList<>();
        for (String name : ScriptOptions.NAMES) {
            if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                scriptOptionsGiven.add(name);
            }
        }
        if (!scriptOptionsGiven.isEmpty()) {
            throw invalid("Options of the sample downstream (" + String.join(", ", scriptOptionsGiven)
                    + ") have no effect with --downstream-url, which replaces that downstream; drop "
                    + (scriptOptionsGiven.size() == 1 ? "it" : "them") + " or drop --downstream-url");
        }
    }

    private void requireTopicPrefix() {
        if (topicPrefix.isEmpty() || !topicPrefix.matches("[A-Za-z0-9._-]+") || topicPrefix.length() > 200) {
            throw invalid("--topic-prefix must be 1 to 200 characters from letters, digits, '.', '_' and '-', got '"
                    + topicPrefix + "'");
        }
    }

    private Map<String, String> clientSettings() {
        if (clientConfig == null) {
            return Map.of();
        }
        if (!Files.isRegularFile(clientConfig)) {
            throw invalid("--client-config " + clientConfig + " is not a readable file; give a properties file"
                    + " with Kafka client settings");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(clientConfig)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw invalid("--client-config " + clientConfig + " could not be read as a properties file: " + e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        return settings;
    }

    private void requireBetween(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private ParameterException invalid(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
