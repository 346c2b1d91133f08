package io.retryladder.bench;

import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The record of one trial as the downstream and the dead-letter topic saw it: every call with its
 * attempt and lateness, duplicate calls, and when each key became terminal (a 2xx response, or a
 * record in the dead-letter topic). It also decides each call's response from the workload.
 * Thread-safe.
 */
public final class TrialRecorder {

    /** Tiers of the ladder: attempt 2 comes from tier 0 (1 s), 3 from tier 1 (4 s), 4 from tier 2 (16 s). */
    public static final int TIERS = 3;

    private static final int HISTOGRAM_DIGITS = 3;

    private final String trialId;
    private final int operations;
    private final Duration latency;
    private final int failureStatus;

    private final AtomicIntegerArray attemptsSeen;
    private final AtomicIntegerArray terminal;
    private final AtomicLongArray envelopeDueAtMs;
    private final AtomicInteger terminalCount = new AtomicInteger();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger deadLettered = new AtomicInteger();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong strayCalls = new AtomicLong();
    private final AtomicLong warmUpCalls = new AtomicLong();
    private final AtomicLong lastTerminalAtMs = new AtomicLong();
    private final AtomicLong firstCallAtMs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastCallAtMs = new AtomicLong();
    private final List<Histogram> lateness = new ArrayList<>();
    private final AtomicLong[] early = new AtomicLong[TIERS];
    private final Histogram firstTierVsEnvelope = histogram();
    private final Histogram publishAcknowledged = histogram();
    private final AtomicLong firstTierVsEnvelopeEarly = new AtomicLong();
    private final ConcurrentLinkedQueue<long[]> lateCalls = new ConcurrentLinkedQueue<>();

    public TrialRecorder(String trialId, int operations, Duration latency, int failureStatus) {
        this.trialId = trialId;
        this.operations = operations;
        this.latency = latency;
        this.failureStatus = failureStatus;
        this.attemptsSeen = new AtomicIntegerArray(operations);
        this.terminal = new AtomicIntegerArray(operations);
        this.envelopeDueAtMs = new AtomicLongArray(operations);
        for (int tier = 0; tier < TIERS; tier++) {
            lateness.add(histogram());
            early[tier] = new AtomicLong();
        }
    }

    public String trialId() {
        return trialId;
    }

    public int operations() {
        return operations;
    }

    /** Records a call and returns its response, sent after the downstream's fixed latency. */
    public Response onCall(Call call) {
        if (Workload.isWarmUp(call.idempotencyKey())) {
            warmUpCalls.incrementAndGet();
            if (call.attempt() < Workload.warmUpSuccessAttempt(call.idempotencyKey())) {
                return Response.status(failureStatus).after(latency);
            }
            return Response.ok().after(latency);
        }
        long index = Workload.indexOf(trialId, call.idempotencyKey());
        if (index < 0 || index >= operations) {
            strayCalls.incrementAndGet();
            return Response.ok().after(latency);
        }
        int i = (int) index;
        int attempt = call.attempt();
        calls.incrementAndGet();
        firstCallAtMs.accumulateAndGet(call.arrivedAtMs(), Math::min);
        lastCallAtMs.accumulateAndGet(call.arrivedAtMs(), Math::max);
        if (attempt >= 1 && attempt < Integer.SIZE) {
            int bit = 1 << attempt;
            int before = attemptsSeen.getAndUpdate(i, seen -> seen | bit);
            if ((before & bit) != 0) {
                duplicates.incrementAndGet();
            }
        }
        recordLateness(i, attempt, call);
        boolean success = attempt >= Workload.successAttempt(index);
        if (success) {
            markTerminal(i, call.arrivedAtMs() + latency.toMillis());
            succeeded.incrementAndGet();
            return Response.ok().after(latency);
        }
        return Response.status(failureStatus).after(latency);
    }

    /** Records a dead letter of this trial, written at {@code writtenAtMs}; returns false for other keys. */
    public boolean onDeadLetter(String key, long writtenAtMs) {
        long index = Workload.indexOf(trialId, key);
        if (index < 0 || index >= operations) {
            return false;
        }
        deadLettered.incrementAndGet();
        markTerminal((int) index, writtenAtMs);
        return true;
    }

    /** Records the due time of attempt 2 that the product's publisher wrote into the envelope. */
    public void onEnvelopeDue(long index, long dueAtMs) {
        if (index >= 0 && index < operations) {
            envelopeDueAtMs.set((int) index, dueAtMs);
        }
    }

    /** Records how long the broker took to acknowledge one publication, in milliseconds. */
    public void onPublishAcknowledged(long elapsedMs) {
        publishAcknowledged.recordValue(Math.max(0, elapsedMs));
    }

    /** Returns how long publications waited for the broker's acknowledgement. */
    public Lateness publishAcknowledged() {
        return Lateness.of(publishAcknowledged.copy(), 0);
    }

    /** Waits until {@code expected} keys are terminal; returns false when {@code timeout} passes first. */
    public boolean awaitTerminal(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (terminalCount.get() < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    public int terminalCount() {
        return terminalCount.get();
    }

    public int succeeded() {
        return succeeded.get();
    }

    public int deadLettered() {
        return deadLettered.get();
    }

    public long calls() {
        return calls.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long strayCalls() {
        return strayCalls.get();
    }

    /** Waits until the downstream has seen {@code expected} warm-up calls; returns false on timeout. */
    public boolean awaitWarmUp(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (warmUpCalls.get() < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Returns when the last key became terminal, in epoch milliseconds, or 0 when none did. */
    public long lastTerminalAtMs() {
        return lastTerminalAtMs.get();
    }

    public long firstCallAtMs() {
        return firstCallAtMs.get() == Long.MAX_VALUE ? 0 : firstCallAtMs.get();
    }

    public long lastCallAtMs() {
        return lastCallAtMs.get();
    }

    /** Returns the lateness of each tier's attempts against the due time in the call's header. */
    public List<Lateness> lateness() {
        List<Lateness> result = new ArrayList<>();
        for (int tier = 0; tier < TIERS; tier++) {
            result.add(Lateness.of(lateness.get(tier).copy(), early[tier].get()));
        }
        return result;
    }

    /**
     * Returns the lateness of attempt 2 against the due time the product's publisher wrote into the
     * envelope, or null when no envelope due times were recorded (the Spring peer).
     */
    public Lateness firstTierVsEnvelope() {
        return firstTierVsEnvelope.getTotalCount() == 0
                ? null
                : Lateness.of(firstTierVsEnvelope.copy(), firstTierVsEnvelopeEarly.get());
    }

    private void recordLateness(int index, int attempt, Call call) {
        int tier = attempt - 2;
        if (tier < 0 || tier >= TIERS || call.dueAtMs() <= 0) {
            return;
        }
        record(lateness.get(tier), early[tier], call.arrivedAtMs() - call.dueAtMs());
        lateCalls.add(new long[] {call.arrivedAtMs(), tier, call.arrivedAtMs() - call.dueAtMs(), index});
        long envelopeDue = envelopeDueAtMs.get(index);
        if (tier == 0 && envelopeDue > 0) {
            record(firstTierVsEnvelope, firstTierVsEnvelopeEarly, call.arrivedAtMs() - envelopeDue);
        }
    }

    /**
     * Writes every measured call as a CSV line (arrival in epoch milliseconds, tier, lateness in
     * milliseconds, operation index), ordered by arrival, so a run's lateness can be read over time.
     */
    public void writeCalls(Path file) throws IOException {
        List<long[]> rows = new ArrayList<>(lateCalls);
        rows.sort(Comparator.comparingLong(row -> row[0]));
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("arrived_at_ms,tier,lateness_ms,operation\n");
            for (long[] row : rows) {
                out.write(row[0] + "," + row[1] + "," + row[2] + "," + row[3] + "\n");
            }
        }
    }

    private static void record(Histogram histogram, AtomicLong early, long latenessMs) {
        if (latenessMs < 0) {
            early.incrementAndGet();
        }
        histogram.recordValue(Math.max(0, latenessMs));
    }

    private void markTerminal(int index, long atMs) {
        if (terminal.compareAndSet(index, 0, 1)) {
            terminalCount.incrementAndGet();
            lastTerminalAtMs.accumulateAndGet(atMs, Math::max);
        }
    }

    private static Histogram histogram() {
        Histogram histogram = new ConcurrentHistogram(HISTOGRAM_DIGITS);
        histogram.setAutoResize(true);
        return histogram;
    }
}
