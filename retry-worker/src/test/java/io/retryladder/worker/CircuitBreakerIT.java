package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries never pile onto a failing target, and its backlog does not stampede it when it recovers. */
@ExtendWith(KafkaExtension.class)
class CircuitBreakerIT {

    private static final int HALF_OPEN_CALLS = 3;

    private static Map<String, Object> breakerSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("retry.breaker.minimum.calls", 10);
        settings.put("retry.breaker.window.calls", 20);
        settings.put("retry.breaker.open.duration.ms", 2000);
        settings.put("retry.breaker.open.duration.max.ms", 5000);
        settings.put("retry.breaker.half.open.calls", HALF_OPEN_CALLS);
        settings.put("retry.release.spread.ms", 1000);
        return settings;
    }

    @Test
    void outageOpensBreakerAndEveryOperationSucceedsOnce(KafkaCluster kafka) throws Exception {
        Outage outage = new Outage(Duration.ofSeconds(30));
        try (LoopbackDownstream downstream = LoopbackDownstream.start(outage::answer);
                Pipeline pipeline = new Pipeline(kafka, "1000,2000,4000")) {
            RetryWorker worker = pipeline.startWorker(breakerSettings());
            BreakerWatch watch = BreakerWatch.start(worker);
            outage.begin();

            publish(pipeline.publisher(), downstream, "outage-", 200);

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> downstream.keysWithEffects() == 200);
            Thread.sleep(2000);
            watch.stop();
            assertThat(watch.firstOpenAtMs()).as("the breaker opened").isPositive();
            long halfOpenings = (long) transitions(worker, "half_open");
            // Calls admitted while the breaker was still closed may arrive a little after it opened.
            long settledAtMs = watch.firstOpenAtMs() + 500;
            long trialCalls = downstream.calls().stream()
                    .filter(call -> call.arrivedAtMs() > settledAtMs && call.arrivedAtMs() < outage.endsAtMs())
                    .count();
            assertThat(trialCalls)
                    .as("calls while the breaker kept the target away")
                    .isLessThanOrEqualTo(HALF_OPEN_CALLS * halfOpenings);
            assertExactlyOnceWithoutSkippedAttempts(downstream, "outage-", 200);
            assertThat(pipeline.deadLetters()).isEmpty();
        }
    }

    @Test
    void outageWithTwoRebalancesLosesAndRepeatsNothing(KafkaCluster kafka) throws Exception {
        Outage outage = new Outage(Duration.ofSeconds(20));
        try (LoopbackDownstream downstream = LoopbackDownstream.start(outage::answer);
                Pipeline pipeline = new Pipeline(kafka, "1000,2000,4000")) {
            RetryWorker first = pipeline.startWorker(breakerSettings());
            RetryWorker second = pipeline.startWorker(breakerSettings());
            outage.begin();
            publish(pipeline.publisher(), downstream, "moving-", 200);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> transitions(first, "open") + transitions(second, "open") > 0);

            pipeline.stop(second);
            Thread.sleep(3000);
            RetryWorker third = pipeline.startWorker(breakerSettings());

            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> downstream.keysWithEffects() == 200);
            Thread.sleep(2000);
            assertThat(first.rebalances())
                    .as("rebalances seen by the worker that stayed")
                    .isGreaterThanOrEqualTo(2);
            assertExactlyOnceWithoutSkippedAttempts(downstream, "moving-", 200);
            assertThat(pipeline.deadLetters()).isEmpty();
            assertThat(third.isPaused() || first.isPaused())
                    .as("consumption resumed")
                    .isFalse();
        }
    }

    @Test
    void backlogReleasedWithinRateAndConcurrency(KafkaCluster kafka) throws Exception {
        Outage outage = new Outage(Duration.ofSeconds(8));
        try (LoopbackDownstream downstream =
                        LoopbackDownstream.start(call -> outage.answer(call).after(Duration.ofMillis(20)));
                Pipeline pipeline = new Pipeline(kafka, "1000,2000,4000")) {
            Map<String, Object> settings = breakerSettings();
            settings.put("retry.target.max.rate.per.second", 200);
            settings.put("retry.target.max.concurrency", 10);
            pipeline.startWorker(settings);
            outage.begin();

            publish(pipeline.publisher(), downstream, "backlog-", 5000);

            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> downstream.keysWithEffects() == 5000);
            // Calls are paced at their start; on a busy machine they reach the downstream with some
            // jitter, so the rate is measured over two seconds.
            assertThat(maxCallsInAnyWindow(downstream.calls(), Duration.ofSeconds(2)))
                    .as("calls in any two seconds")
                    .isLessThanOrEqualTo(420);
            assertThat(downstream.maxInFlight()).as("calls in flight at once").isLessThanOrEqualTo(10);
            assertThat(downstream.keysWithDuplicateEffects()).isEmpty();
        }
    }

    @Test
    void busyTargetHoldsUpNoOtherTarget(KafkaCluster kafka) throws Exception {
        assertBusyTargetDelaysNoOther(
                kafka,
                Duration.ofMillis(300),
                200,
                Map.of(),
                worker -> assertThat(worker.meterRegistry()
                                .find("retry.worker.deferrals")
                                .tag("reason", "target_busy")
                                .counter())
                        .as("deferrals for the busy target")
                        .isNotNull()
                        .satisfies(counter -> assertThat(counter.count()).isPositive()));
    }

    @Test
    void busyBacklogDelaysNoOtherTarget(KafkaCluster kafka) throws Exception {
        // One partition puts the whole backlog into one task, past the 1,000 records it keeps in memory.
        assertBusyTargetDelaysNoOther(
                kafka, Duration.ofMillis(20), 1_300, Map.of("retry.topics.partitions", 1), worker -> {});
    }

    /**
     * Publishes {@code slowCount} operations to a target that answers after {@code slowAnswer} and
     * takes 4 calls at once, then 100 to a fast target, and checks that the fast calls start on time
     * and that neither target sees a call twice.
     */
    private static void assertBusyTargetDelaysNoOther(
            KafkaCluster kafka,
            Duration slowAnswer,
            int slowCount,
            Map<String, Object> overrides,
            Consumer<RetryWorker> moreChecks)
            throws Exception {
        try (LoopbackDownstream slow =
                        LoopbackDownstream.start(call -> Response.ok().after(slowAnswer));
                LoopbackDownstream fast = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "1000,2000,4000")) {
            Map<String, Object> settings = breakerSettings();
            settings.put("retry.target.max.concurrency", 4);
            settings.putAll(overrides);
            RetryWorker worker = pipeline.startWorker(settings);

            publish(pipeline.publisher(), slow, "slow-", slowCount);
            publish(pipeline.publisher(), fast, "fast-", 100);

            await().atMost(Duration.ofSeconds(30)).until(() -> fast.keysWithEffects() == 100);
            long latestFast = fast.calls().stream()
                    .mapToLong(call -> call.arrivedAtMs() - call.dueAtMs())
                    .max()
                    .orElseThrow();
            assertThat(latestFast)
                    .as("latest fast call, ms after its due time, behind %d calls to a busy target", slowCount)
                    .isLessThan(1_000);
            await().atMost(Duration.ofSeconds(90)).until(() -> slow.keysWithEffects() == slowCount);
            assertThat(slow.maxInFlight())
                    .as("calls in flight at the busy target")
                    .isLessThanOrEqualTo(4);
            assertThat(slow.keysWithDuplicateEffects()).isEmpty();
            assertThat(fast.keysWithDuplicateEffects()).isEmpty();
            moreChecks.accept(worker);
        }
    }

    @Test
    void healthyTargetFlowsWhileOtherIsDown(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream down = LoopbackDownstream.start(call -> Response.status(503));
                LoopbackDownstream healthy = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "1000,2000,4000")) {
            RetryWorker worker = pipeline.startWorker(breakerSettings());
            RetryPublisher publisher = pipeline.publisher();
            List<CompletableFuture<?>> published = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                published.add(publisher.publish(
                        Operation.http("POST", down.baseUrl() + "/x")
                                .idempotencyKey("down-" + i)
                                .maxAttempts(10)
                                .build(),
                        Failure.httpStatus(503, "", null)));
                published.add(publisher.publish(
                        Operation.http("POST", healthy.baseUrl() + "/x")
                                .idempotencyKey("up-" + i)
                                .build(),
                        Failure.httpStatus(503, "", null)));
            }
            CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> healthy.keysWithEffects() == 100);
            await("the failing target's breaker opened")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> transitions(worker, "open") > 0);
            assertThat(worker.isPaused())
                    .as("one open target does not pause consumption")
                    .isFalse();
            assertThat(pipeline.deadLetters())
                    .as("waiting records are not dead-lettered")
                    .isEmpty();
            assertThat(DeadLetterOutageIT.gauge(worker, "retry.worker.waiting.records"))
                    .as("the failing target's records wait")
                    .isPositive();
        }
    }

    @Test
    void halfOpenAdmitsOnlyTrialCalls(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.status(503));
                Pipeline pipeline = new Pipeline(kafka, "1000,2000,4000")) {
            Map<String, Object> settings = breakerSettings();
            settings.put("retry.release.spread.ms", 0);
            settings.put("retry.breaker.open.duration.max.ms", 2000);
            RetryWorker worker = pipeline.startWorker(settings);
            BreakerWatch watch = BreakerWatch.start(worker);

            publish(pipeline.publisher(), downstream, "trial-", 300);

            await().atMost(Duration.ofSeconds(30)).until(() -> transitions(worker, "half_open") >= 3);
            watch.stop();
            long halfOpenings = (long) transitions(worker, "half_open");
            long settledAtMs = watch.firstOpenAtMs() + 500;
            long afterOpen = downstream.calls().stream()
                    .filter(call -> call.arrivedAtMs() > settledAtMs)
                    .count();
            assertThat(afterOpen)
                    .as("calls after the first opening, %d half-open periods", halfOpenings)
                    .isLessThanOrEqualTo(HALF_OPEN_CALLS * (halfOpenings + 1));
            assertThat(watch.sawPause())
                    .as("the only target was open, so consumption paused")
                    .isTrue();
        }
    }

    static void publish(RetryPublisher publisher, LoopbackDownstream downstream, String prefix, int count)
            throws Exception {
        List<CompletableFuture<?>> published = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Operation operation = Operation.http("POST", downstream.baseUrl() + "/x")
                    .idempotencyKey(prefix + i)
                    .maxAttempts(8)
                    .build();
            published.add(publisher.publish(operation, Failure.httpStatus(500, "", null)));
        }
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    static double transitions(RetryWorker worker, String toState) {
        return worker.meterRegistry().find("retry.worker.breaker.transitions").tag("to", toState).counters().stream()
                .mapToDouble(counter -> counter.count())
                .sum();
    }

    /** Every key succeeded once, and its attempts ran 2, 3, 4... with no number skipped by a rejection. */
    static void assertExactlyOnceWithoutSkippedAttempts(LoopbackDownstream downstream, String prefix, int count) {
        Map<String, List<Integer>> attempts = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Call call : downstream.calls()) {
            assertThat(seen.add(call.idempotencyKey() + "#" + call.attempt()))
                    .as("%s attempt %d called twice", call.idempotencyKey(), call.attempt())
                    .isTrue();
            attempts.computeIfAbsent(call.idempotencyKey(), key -> new ArrayList<>())
                    .add(call.attempt());
        }
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            assertThat(downstream.effects(key)).as("effects of %s", key).isEqualTo(1);
            List<Integer> numbers = attempts.get(key);
            for (int j = 0; j < numbers.size(); j++) {
                assertThat(numbers.get(j)).as("attempt numbers of %s", key).isEqualTo(j + 2);
            }
        }
    }

    static int maxCallsInAnyWindow(List<Call> calls, Duration window) {
        List<Long> arrivals = calls.stream().map(Call::arrivedAtNanos).sorted().toList();
        int max = 0;
        int start = 0;
        for (int end = 0; end < arrivals.size(); end++) {
            while (arrivals.get(end) - arrivals.get(start) >= window.toNanos()) {
                start++;
            }
            max = Math.max(max, end - start + 1);
        }
        return max;
    }

    /** A downstream that answers 503 for a while after {@link #begin()}, then 200. */
    static final class Outage {
        private final Duration length;
        private volatile long endsAtMs = Long.MAX_VALUE;

        Outage(Duration length) {
            this.length = length;
        }

        void begin() {
            endsAtMs = System.currentTimeMillis() + length.toMillis();
        }

        long endsAtMs() {
            return endsAtMs;
        }

        Response answer(Call call) {
            return System.currentTimeMillis() < endsAtMs ? Response.status(503) : Response.ok();
        }
    }

    /** Samples the breaker state gauge to find when it first opened. */
    static final class BreakerWatch {
        private final Thread thread;
        private final AtomicLong firstOpenAtMs = new AtomicLong();
        private volatile boolean running = true;
        private volatile boolean sawPause;

        private BreakerWatch(RetryWorker worker) {
            thread = new Thread(() -> {
                while (running) {
                    double state = worker.meterRegistry().find("retry.worker.breaker.state").gauges().stream()
                            .mapToDouble(gauge -> gauge.value())
                            .max()
                            .orElse(0);
                    if (state == 2 && firstOpenAtMs.get() == 0) {
                        firstOpenAtMs.set(System.currentTimeMillis());
                    }
                    if (worker.isPaused()) {
                        sawPause = true;
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static BreakerWatch start(RetryWorker worker) {
            BreakerWatch watch = new BreakerWatch(worker);
            watch.thread.start();
            return watch;
        }

        long firstOpenAtMs() {
            return firstOpenAtMs.get();
        }

        boolean sawPause() {
            return sawPause;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }
}
