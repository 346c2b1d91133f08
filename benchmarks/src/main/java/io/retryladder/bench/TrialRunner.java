package io.retryladder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one trial: fresh topics, a fresh process of the system under test, the load, the wait until
 * every key is terminal, and the figures. Each trial stops within a bound and reports when the
 * system did not finish.
 */
public final class TrialRunner {

    private static final Logger log = LoggerFactory.getLogger(TrialRunner.class);

    /** The maximum total wait of an operation in the ladder: 1 s + 4 s + 16 s. */
    static final Duration LADDER_DELAYS = Duration.ofSeconds(21);

    private static final Duration PUBLISH_OVERRUN = Duration.ofSeconds(30);
    private static final long TOPIC_TIMEOUT_SECONDS = 60;
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(60);

    private final Admin admin;
    private final LagProbe lagProbe;
    private final AtomicReference<TrialRecorder> currentRecorder;
    private final Criteria criteria;
    private final int failureStatus;
    private final int warmUpSeconds;
    private final double warmUpMaxRate;

    public TrialRunner(
            Admin admin,
            AtomicReference<TrialRecorder> currentRecorder,
            Criteria criteria,
            int failureStatus,
            int warmUpSeconds,
            double warmUpMaxRate) {
        this.admin = admin;
        this.lagProbe = new LagProbe(admin);
        this.currentRecorder = currentRecorder;
        this.criteria = criteria;
        this.failureStatus = failureStatus;
        this.warmUpSeconds = warmUpSeconds;
        this.warmUpMaxRate = warmUpMaxRate;
    }

    public TrialResult run(SystemUnderTest system, TrialContext trial, Load load) throws InterruptedException {
        log.info(
                "Trial {}: {} {} with {} operations{} at L = {} ms",
                trial.trialId(),
                system.name(),
                load.measurement(),
                load.operations(),
                load.ratePerSecond() > 0 ? " at " + load.ratePerSecond() + "/s" : " at once",
                trial.latency().toMillis());
        createTopics(system.topics(trial), trial.partitions());
        TrialRecorder recorder = new TrialRecorder(trial.trialId(), load.operations(), trial.latency(), failureStatus);
        currentRecorder.set(recorder);
        ChildJvm process = null;
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            process = system.start(trial);
            return measure(system, trial, load, recorder, process, sampler);
        } finally {
            sampler.shutdownNow();
            writeCalls(trial, recorder);
            if (process != null) {
                system.collect(trial);
                process.close();
            }
            currentRecorder.set(null);
            deleteTopics(system.topics(trial));
            deleteRecursively(trial.workDir().resolve("state"));
        }
    }

    private static void writeCalls(TrialContext trial, TrialRecorder recorder) {
        Path file = trial.workDir().resolve("calls.csv");
        try {
            recorder.writeCalls(file);
        } catch (IOException e) {
            log.warn("Trial {}: could not write {}: {}", trial.trialId(), file, e.toString());
        }
    }

    /**
     * Sends warm-up operations through the system at the load's rate, capped at the warm-up's
     * highest rate, for the warm-up seconds, and waits for all their calls. They follow the measured mix, so JIT
     * compilation, the first transactions of fresh producers, every tier and the dead-letter path
     * run before the measurement.
     */
    private void warmUp(OperationPublisher publisher, TrialContext trial, TrialRecorder recorder, Load load)
            throws InterruptedException {
        if (warmUpSeconds <= 0) {
            return;
        }
        double rate = load.ratePerSecond() > 0 ? Math.min(load.ratePerSecond(), warmUpMaxRate) : warmUpMaxRate;
        int operations = (int) Math.round(rate * warmUpSeconds);
        long startNanos = System.nanoTime();
        for (int index = 0; index < operations; index++) {
            long dueNanos = startNanos + (long) (index * 1e9 / rate);
            long waitNanos;
            while ((waitNanos = dueNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(waitNanos);
            }
            publisher.publishWarmUp(index);
        }
        publisher.flush();
        long expectedCalls = Workload.retriesOf(operations);
        if (!recorder.awaitWarmUp(expectedCalls, WARM_UP_TIMEOUT)) {
            log.warn(
                    "Trial {}: the warm-up operations did not all reach the downstream within {} s",
                    trial.trialId(),
                    WARM_UP_TIMEOUT.toSeconds());
        }
    }

    private TrialResult measure(
            SystemUnderTest system,
            TrialContext trial,
            Load load,
            TrialRecorder recorder,
            ChildJvm process,
            ScheduledExecutorService sampler)
            throws InterruptedException {
        AtomicLong maxLag = new AtomicLong();
        String entryTopic = system.entryTopic(trial);
        String entryGroup = system.entryGroup(trial);
        sampler.scheduleAtFixedRate(
                () -> {
                    process.sample();
                    maxLag.accumulateAndGet(lagProbe.lag(entryGroup, entryTopic, trial.partitions()), Math::max);
                },
                1,
                1,
                TimeUnit.SECONDS);

        try (DeadLetterWatcher watcher = new DeadLetterWatcher(
                        trial.bootstrapServers(), system.deadLetterTopic(trial), trial.partitions(), recorder);
                OperationPublisher publisher = system.publisher(trial, recorder)) {
            warmUp(publisher, trial, recorder, load);
            maxLag.set(0);
            ProcSample atReady = process.sample();
            long startMs = System.currentTimeMillis();
            long startNanos = System.nanoTime();
            int published = publish(publisher, load, startNanos);
            long publishFailures = publisher.flush();
            double publishSeconds = (System.nanoTime() - startNanos) / 1e9;
            long lagAtEnd = lagProbe.lag(entryGroup, entryTopic, trial.partitions());
            log.info(
                    "Trial {}: published {} operations in {} s; entry lag {}",
                    trial.trialId(),
                    published,
                    String.format("%.1f", publishSeconds),
                    lagAtEnd);

            Duration bound = LADDER_DELAYS.plus(criteria.drainMargin());
            boolean drained = recorder.awaitTerminal(published, bound);
            ProcSample atEnd = process.sample();
            process.requireAlive();
            double drainSeconds = drained ? (recorder.lastTerminalAtMs() - startMs) / 1000.0 : -1;
            if (!drained) {
                log.warn(
                        "Trial {}: only {} of {} keys were terminal {} s after publishing ended",
                        trial.trialId(),
                        recorder.terminalCount(),
                        published,
                        bound.toSeconds());
            }
            return result(
                    system,
                    trial,
                    load,
                    recorder,
                    new Publication(published, publishFailures, publishSeconds, lagAtEnd, maxLag.get()),
                    drainSeconds,
                    atReady,
                    atEnd,
                    process);
        }
    }

    /** Publishes the load, paced to its rate, and returns how many operations were published. */
    private static int publish(OperationPublisher publisher, Load load, long startNanos) {
        double rate = load.ratePerSecond();
        long hardStop =
                startNanos + load.nominalDuration().plus(PUBLISH_OVERRUN).toNanos();
        for (int index = 0; index < load.operations(); index++) {
            if (rate > 0) {
                long dueNanos = startNanos + (long) (index * 1e9 / rate);
                long waitNanos;
                while ((waitNanos = dueNanos - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(waitNanos);
                }
            }
            if (System.nanoTime() > hardStop) {
                log.warn("Publishing stopped after {} of {} operations: it overran by 30 s", index, load.operations());
                return index;
            }
            publisher.publish(index);
        }
        return load.operations();
    }

    private record Publication(int published, long failures, double seconds, long lagAtEnd, long maxLag) {}

    private TrialResult result(
            SystemUnderTest system,
            TrialContext trial,
            Load load,
            TrialRecorder recorder,
            Publication publication,
            double drainSeconds,
            ProcSample atReady,
            ProcSample atEnd,
            ChildJvm process) {
        double achievedRate = load.ratePerSecond() > 0
                ? publication.published() / Math.max(load.nominalDuration().toMillis() / 1000.0, publication.seconds())
                : publication.published() / publication.seconds();
        double cpuSeconds = atReady == null || atEnd == null ? -1 : (atEnd.cpuMs() - atReady.cpuMs()) / 1000.0;
        ProcSample last = process.lastSample();
        double peakRssMb = last == null ? -1 : last.peakRssKb() / 1024.0;
        List<Lateness> lateness = recorder.lateness();
        String verdict = verdict(load, recorder, publication, drainSeconds, achievedRate, lateness);
        return new TrialResult(
                system.name(),
                trial.latency().toMillis(),
                load.measurement(),
                load.ratePerSecond(),
                load.operations(),
                publication.published(),
                publication.failures(),
                round(publication.seconds()),
                round(achievedRate),
                round(drainSeconds),
                recorder.terminalCount(),
                recorder.succeeded(),
                recorder.deadLettered(),
                recorder.calls(),
                recorder.duplicates(),
                recorder.strayCalls(),
                lateness,
                recorder.firstTierVsEnvelope(),
                recorder.publishAcknowledged(),
                publication.maxLag(),
                publication.lagAtEnd(),
                round(cpuSeconds),
                round(cpuSeconds * 1000 / Math.max(1, publication.published())),
                round(peakRssMb),
                verdict.equals("held"),
                verdict);
    }

    private String verdict(
            Load load,
            TrialRecorder recorder,
            Publication publication,
            double drainSeconds,
            double achievedRate,
            List<Lateness> lateness) {
        List<String> misses = new ArrayList<>();
        if (publication.published() < load.operations() || publication.failures() > 0) {
            misses.add("published " + publication.published() + " of " + load.operations() + " with "
                    + publication.failures() + " failures");
        }
        if (load.ratePerSecond() > 0 && achievedRate < criteria.minRateShare() * load.ratePerSecond()) {
            misses.add(String.format("the harness published %.0f/s of %.0f/s", achievedRate, load.ratePerSecond()));
        }
        if (drainSeconds < 0) {
            misses.add("not drained: " + recorder.terminalCount() + " of " + publication.published() + " terminal");
        }
        double lagAllowed = Math.max(1, load.ratePerSecond() * criteria.lagToleranceSeconds());
        if (load.ratePerSecond() > 0 && publication.lagAtEnd() > lagAllowed) {
            misses.add(String.format(
                    "entry lag %d records at the end of publishing (allowed %.0f)",
                    publication.lagAtEnd(), lagAllowed));
        }
        String[] tiers = {"1s", "4s", "16s"};
        for (int tier = 0; tier < lateness.size(); tier++) {
            if (lateness.get(tier).p99Ms() > criteria.maxP99Ms()) {
                misses.add("p99 lateness " + lateness.get(tier).p99Ms() + " ms at tier " + tiers[tier]);
            }
        }
        Lateness envelope = recorder.firstTierVsEnvelope();
        if (envelope != null && envelope.p99Ms() > criteria.maxP99Ms()) {
            misses.add("p99 lateness " + envelope.p99Ms() + " ms at tier 1s against the envelope's due time");
        }
        return misses.isEmpty() ? "held" : String.join("; ", misses);
    }

    private void createTopics(List<TopicSpec> topics, int partitions) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (TopicSpec topic : topics) {
            Map<String, String> configs = new HashMap<>();
            if (topic.logAppendTime()) {
                configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
            }
            newTopics.add(new NewTopic(topic.name(), partitions, (short) 1).configs(configs));
        }
        try {
            admin.createTopics(newTopics).all().get(TOPIC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Failed to create topics " + topics + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + topics, e);
        }
    }

    private void deleteTopics(List<TopicSpec> topics) {
        try {
            admin.deleteTopics(topics.stream().map(TopicSpec::name).toList())
                    .all()
                    .get(TOPIC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Failed to delete the topics {} of a finished trial: {}", topics, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("Failed to delete {}: {}", dir, e.toString());
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
