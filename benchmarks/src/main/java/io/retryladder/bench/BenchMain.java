package io.retryladder.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the end-to-end benchmark: the product and the Spring Kafka peer under the same workload on
 * the same broker, plus the broker's ceiling, and prints a table and writes results.json.
 * Exit codes: 0 when the run completed, 1 when it failed, 2 for invalid options, 3 when it ran out
 * of time.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks the retry worker against Spring Kafka's retry topics on one broker.")
public final class BenchMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(BenchMain.class);

    @Option(names = "--label", description = "smoke or full; smoke marks every figure as a smoke run.")
    String label = "full";

    @Option(
            names = "--systems",
            split = ",",
            description = "Systems to run: product, spring-default, spring-tuned (default: all three).")
    List<String> systems = List.of("product", "spring-default", "spring-tuned");

    @Option(
            names = "--measurements",
            split = ",",
            description = "Measurements: ceiling, capacity, burst (default: all three).")
    List<String> measurements = List.of("ceiling", "capacity", "burst");

    @Option(names = "--latencies-ms", split = ",", description = "Downstream latencies L in ms (default: 1,20).")
    List<Integer> latenciesMs = List.of(1, 20);

    @Option(names = "--step-seconds", description = "Duration of each capacity step in seconds (default: 60).")
    int stepSeconds = 60;

    @Option(names = "--start-rate", description = "First capacity step, operations per second (default: 50).")
    double startRate = 50;

    @Option(names = "--rate-factor", description = "Factor between capacity steps (default: 2).")
    double rateFactor = 2;

    @Option(names = "--max-rate", description = "Highest rate tried, operations per second (default: 12800).")
    double maxRate = 12_800;

    @Option(
            names = "--refine-steps",
            description = "Steps that bisect between the last held and first failed rate (default: 2).")
    int refineSteps = 2;

    @Option(names = "--burst-size", description = "Operations published at once in the burst (default: 50000).")
    int burstSize = 50_000;

    @Option(names = "--payload-bytes", description = "Request body size in bytes (default: 256).")
    int payloadBytes = 256;

    @Option(names = "--partitions", description = "Partitions of every topic (default: 6).")
    int partitions = 6;

    @Option(names = "--max-p99-ms", description = "Highest p99 lateness a held step allows, ms (default: 50).")
    long maxP99Ms = 50;

    @Option(
            names = "--lag-tolerance-seconds",
            description = "Entry-topic lag a held step allows when publishing ends, in seconds of publications"
                    + " (default: 1).")
    double lagToleranceSeconds = 1;

    @Option(
            names = "--drain-margin-seconds",
            description = "Wait past the ladder's 21 s of delays for every key to be terminal, s (default: 60).")
    int drainMarginSeconds = 60;

    @Option(
            names = "--failure-status",
            description = "HTTP status of failed attempts after the first (default: 500; 503 also makes the"
                    + " worker's adaptive rate back off).")
    int failureStatus = 500;

    @Option(
            names = "--warm-up-seconds",
            description = "Seconds of warm-up operations, published at the step's rate up to --warm-up-max-rate and"
                    + " not counted, before each trial's measurement (default: 90).")
    int warmUpSeconds = 90;

    @Option(
            names = "--warm-up-max-rate",
            description = "Highest rate of warm-up operations per second, and their rate before a burst (default:"
                    + " 1000).")
    double warmUpMaxRate = 1_000;

    @Option(names = "--worker-heap-mb", description = "-Xmx of the worker JVM in MiB (default: 256).")
    int workerHeapMb = 256;

    @Option(names = "--worker-threads", description = "Worker num.stream.threads (default: 2).")
    int workerThreads = 2;

    @Option(names = "--worker-max-in-flight", description = "Worker retry.max.in.flight (default: 256).")
    int workerMaxInFlight = 256;

    @Option(names = "--worker-target-concurrency", description = "Worker retry.target.max.concurrency (default: 64).")
    int workerTargetConcurrency = 64;

    @Option(
            names = "--worker-setting",
            description = "Further worker setting NAME=VALUE; repeatable; wins over the harness's choices.")
    Map<String, String> workerSettings = new LinkedHashMap<>();

    @Option(
            names = "--worker-flight-recording",
            description = "Record a Java Flight Recorder profile of each worker JVM into its trial directory.")
    boolean workerFlightRecording;

    @Option(names = "--peer-heap-mb", description = "-Xmx of the Spring peer JVM in MiB (default: 256).")
    int peerHeapMb = 256;

    @Option(names = "--peer-concurrency", description = "Listener concurrency of each peer container (default: 6).")
    int peerConcurrency = 6;

    @Option(names = "--broker-heap-mb", description = "-Xmx of the broker JVM in MiB (default: 1024).")
    int brokerHeapMb = 1024;

    @Option(names = "--ceiling-records", description = "Records the ceiling run copies (default: 300000).")
    int ceilingRecords = 300_000;

    @Option(names = "--ceiling-threads", description = "Copier threads, as the worker's (default: 2).")
    int ceilingThreads = 2;

    @Option(names = "--worker-jar", description = "The retry worker's runnable jar.")
    Path workerJar = Path.of("benchmarks/target/worker/retry-worker-all.jar");

    @Option(names = "--peer-classpath", description = "Class path of the spring-peer module and its libraries.")
    String peerClasspath =
            "benchmarks/spring-peer/target/spring-peer-0.1.0-SNAPSHOT.jar:benchmarks/spring-peer/target/lib/*";

    @Option(names = "--out", description = "Directory for results (default: benchmarks/target/bench-results).")
    Path out = Path.of("benchmarks/target/bench-results");

    @Option(names = "--max-minutes", description = "The whole run stops after this many minutes (default: 240).")
    int maxMinutes = 240;

    private final List<CapacityResult> capacity = new ArrayList<>();
    private final List<TrialResult> burst = new ArrayList<>();
    private CeilingResult ceiling;
    private MachineInfo machine;
    private String startedAt;
    private Path runDir;

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildJvm::stopAll, "bench-children-shutdown"));
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Instant start = Instant.now();
        startedAt = DateTimeFormatter.ISO_INSTANT.format(start.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String runId = "b"
                + DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC).format(start);
        runDir = Files.createDirectories(out.resolve(runId));
        machine = MachineInfo.read();
        startWatchdog();
        try (Harness harness = new Harness(runSettings(), runDir, runId)) {
            run(harness);
        }
        writeReport("complete");
        return 0;
    }

    private void run(Harness harness) throws InterruptedException {
        if (measurements.contains("ceiling")) {
            ceiling = harness.ceiling();
            writeReport("running");
        }
        for (int latencyMs : latenciesMs) {
            Duration latency = Duration.ofMillis(latencyMs);
            for (SystemUnderTest system : systemsUnderTest()) {
                if (measurements.contains("capacity")) {
                    capacity.add(harness.capacity(system, latency));
                    writeReport("running");
                }
                if (measurements.contains("burst")) {
                    burst.add(harness.burst(system, latency));
                    writeReport("running");
                }
            }
        }
    }

    private List<SystemUnderTest> systemsUnderTest() {
        List<SystemUnderTest> result = new ArrayList<>();
        for (String name : systems) {
            switch (name) {
                case "product" ->
                    result.add(new ProductSystem(
                            workerJar,
                            new WorkerOptions(
                                    workerHeapMb,
                                    workerThreads,
                                    workerMaxInFlight,
                                    workerTargetConcurrency,
                                    workerSettings,
                                    workerFlightRecording)));
                case "spring-default" ->
                    result.add(new SpringPeerSystem(
                            peerClasspath, SpringPeerSystem.Mode.DEFAULT, peerHeapMb, peerConcurrency));
                case "spring-tuned" ->
                    result.add(new SpringPeerSystem(
                            peerClasspath, SpringPeerSystem.Mode.TUNED, peerHeapMb, peerConcurrency));
                default -> throw new IllegalStateException("validated: " + name);
            }
        }
        return result;
    }

    private RunSettings runSettings() {
        return new RunSettings(
                Duration.ofSeconds(stepSeconds),
                startRate,
                rateFactor,
                maxRate,
                refineSteps,
                burstSize,
                payloadBytes,
                partitions,
                new Criteria(maxP99Ms, lagToleranceSeconds, 0.95, Duration.ofSeconds(drainMarginSeconds)),
                failureStatus,
                warmUpSeconds,
                warmUpMaxRate,
                brokerHeapMb,
                ceilingRecords,
                ceilingThreads,
                workerHeapMb);
    }

    private void validate() {
        CommandLine.Model.CommandSpec spec = new CommandLine(this).getCommandSpec();
        for (String name : systems) {
            if (!List.of("product", "spring-default", "spring-tuned").contains(name)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--systems: unknown system '" + name + "'; expected product, spring-default or spring-tuned");
            }
        }
        for (String name : measurements) {
            if (!List.of("ceiling", "capacity", "burst").contains(name)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--measurements: unknown measurement '" + name + "'; expected ceiling, capacity or burst");
            }
        }
        if (systems.contains("product") && !Files.isRegularFile(workerJar)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--worker-jar: " + workerJar + " not found; build with mvn -Pbench package -pl benchmarks");
        }
        if (stepSeconds < 1 || startRate <= 0 || rateFactor <= 1 || burstSize < 20 || partitions < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--step-seconds and --start-rate must be positive, --rate-factor above 1, --burst-size at least"
                            + " 20 and --partitions at least 1");
        }
        if (warmUpMaxRate <= 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--warm-up-max-rate must be positive, got " + warmUpMaxRate);
        }
    }

    /** Stops the run, with the figures gathered so far, when it exceeds --max-minutes. */
    private void startWatchdog() {
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(Duration.ofMinutes(maxMinutes).toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    log.error("The run did not finish within {} minutes; stopping it", maxMinutes);
                    writeReport("stopped: did not finish within " + maxMinutes + " minutes");
                    ChildJvm.stopAll();
                    Runtime.getRuntime().halt(3);
                },
                "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private synchronized void writeReport(String status) {
        List<CapacityResult> capacitySoFar = List.copyOf(capacity);
        List<TrialResult> burstSoFar = List.copyOf(burst);
        RunReport report = new RunReport(
                label,
                startedAt,
                status,
                machine,
                MachineInfo.currentLoadAverage(),
                settingsForReport(),
                describeSystems(),
                Workload.retriesPerOperation(),
                capacitySoFar,
                burstSoFar,
                ceiling,
                Targets.check(capacitySoFar, burstSoFar, ceiling));
        String table = ReportTable.format(report);
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            json.writeValue(runDir.resolve("results.json").toFile(), report);
            Files.writeString(runDir.resolve("results.txt"), table);
            Files.copy(runDir.resolve("results.json"), out.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(runDir.resolve("results.txt"), out.resolve("latest.txt"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to write the results to " + runDir, e);
        }
        if (!status.equals("running")) {
            System.out.println(table);
            System.out.println("Results: " + runDir.resolve("results.json"));
        }
    }

    private Map<String, Object> settingsForReport() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("systems", systems);
        settings.put("measurements", measurements);
        settings.put("latenciesMs", latenciesMs);
        settings.put("stepSeconds", stepSeconds);
        settings.put("startRate", startRate);
        settings.put("rateFactor", rateFactor);
        settings.put("maxRate", maxRate);
        settings.put("refineSteps", refineSteps);
        settings.put("burstSize", burstSize);
        settings.put("payloadBytes", payloadBytes);
        settings.put("partitions", partitions);
        settings.put("maxP99Ms", maxP99Ms);
        settings.put("lagToleranceSeconds", lagToleranceSeconds);
        settings.put("drainMarginSeconds", drainMarginSeconds);
        settings.put("failureStatus", failureStatus);
        settings.put("warmUpSeconds", warmUpSeconds);
        settings.put("warmUpMaxRate", warmUpMaxRate);
        settings.put("brokerHeapMb", brokerHeapMb);
        settings.put("ceilingRecords", ceilingRecords);
        settings.put("ceilingThreads", ceilingThreads);
        return settings;
    }

    private Map<String, List<String>> describeSystems() {
        Map<String, List<String>> described = new LinkedHashMap<>();
        for (SystemUnderTest system : systemsUnderTest()) {
            described.put(system.name(), system.describe());
        }
        described.put(
                "harness",
                List.of(
                        "broker: single-node KRaft (local-stack LocalKafka) in its own JVM, -Xmx" + brokerHeapMb + "m",
                        "downstream: local-stack LoopbackDownstream in the harness JVM, fixed latency per run",
                        String.format(Locale.ROOT, "failed attempts after the first answer HTTP %d", failureStatus),
                        "attempt 1 fails before either system and the downstream never sees it"));
        return described;
    }
}
