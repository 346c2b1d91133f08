package io.retryladder.worker.internal;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.RecordSizes;
import io.retryladder.envelope.RequestFingerprint;
import io.retryladder.envelope.Tier;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.TierPosition;
import io.retryladder.envelope.codec.UndecodableEnvelopeException;
import io.retryladder.envelope.state.OperationState;
import io.retryladder.envelope.state.OperationState.Status;
import io.retryladder.worker.AttemptResult;
import io.retryladder.worker.internal.CallDispatcher.Start;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry logic of one task, that is one partition number of every tier topic.
 *
 * <p>Each tier record is decoded, checked against the deduplication store and put into a
 * persistent timer store keyed by its due time. The input offset is committed once the record is
 * there. A wall-clock punctuator starts the attempts that are due without waiting for them. It
 * applies finished attempts on the stream thread, where the timer entry, the key's state and the
 * record for the next tier or the dead-letter topic change in one Kafka transaction
 * (exactly_once_v2).
 *
 * <p>A crash loses nothing: an attempt whose outcome was not committed is still in the timer store
 * and starts again, with the same idempotency key. A task that closes while its worker runs, also
 * after its transaction aborted, reports to the task's next owner the calls it has in flight and the
 * results it applied since the last commit. The next owner then makes none of those calls again.
 */
public final class RetryProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    public static final String TIMERS = "timers";
    public static final String OPERATIONS = "operations";
    public static final String EXPIRY = "expiry";
    public static final String STARTS = "starts";
    public static final String DEAD_LETTER_SINK = "dead-letters";

    private static final Logger log = LoggerFactory.getLogger(RetryProcessor.class);
    private static final int FIRE_BUDGET_PER_TICK = 2_000;
    private static final int PURGE_BUDGET = 10_000;
    /**
     * How many due entries wait in memory for a target at its concurrency limit. Entries beyond it
     * move later in the timer store, so that the entries the scan skips never fill its budget.
     */
    private static final int HELD_FOR_TARGET_MAX = FIRE_BUDGET_PER_TICK / 2;

    private static final long INITIAL_DEAD_LETTER_BACKOFF_MS = 500;
    /** How long past an attempt's timeout a new owner waits for the previous owner's outcome report. */
    private static final long HANDOVER_GRACE_MS = 3_000;
    /**
     * How long a task that has just started here leaves the entries that were already due, so that
     * the outcome reports its previous owner wrote on closing are read first. A call started in a
     * transaction that aborted left no start mark, and only its report shows that it was made.
     */
    private static final long REPORT_SETTLE_MS = 1_000;
    /**
     * How many results a task applies in one transaction before it starts no further calls until a
     * commit. It bounds the results that an aborted transaction takes back, which happens when a
     * rebalance outlasts transaction.timeout.ms, and the memory that keeps them for a report.
     */
    private static final int UNCOMMITTED_RESULTS_MAX = 10_000;
    /**
     * How long a task that ran no punctuation for {@code stallMs} starts no calls, at least. A stopped
     * process resumes with its old heartbeat, and the consumer needs a heartbeat round trip to learn
     * that the group has moved its partitions away.
     */
    private static final long STALL_CONFIRM_MS = 1_000;

    private static final RateLimitedLog cappedDueLog = new RateLimitedLog(log, Duration.ofSeconds(10));
    private static final RateLimitedLog heldDeadLetterLog = new RateLimitedLog(log, Duration.ofSeconds(10));

    private final WorkerRuntime runtime;
    private final Map<Bytes, InFlight> inFlight = new HashMap<>();
    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Map<Bytes, InFlight> orphans = new java.util.concurrent.ConcurrentHashMap<>();
    /** The start marks of the task's starts store, held in memory so that a due entry costs no store read. */
    private final Map<Bytes, Long> startMarks = new HashMap<>();
    /**
     * Due entries whose target was at its concurrency limit, and when to try them again. A target
     * frees a slot as soon as one of its calls ends, so its entries wait here instead of moving in
     * the timer store, which costs three store writes per entry each time.
     */
    private final Map<Bytes, Long> heldForTarget = new HashMap<>();
    /**
     * The results applied since the stream thread's last commit. A task that closes before the next
     * commit reports them to its next owner, because the transaction that contains them may abort.
     */
    private final List<UncommittedResult> uncommitted = new ArrayList<>();
    /** The commit count of the stream thread when the results in {@link #uncommitted} were applied. */
    private long uncommittedAfterCommit = -1;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> timers;
    private KeyValueStore<Bytes, byte[]> operations;
    private KeyValueStore<Bytes, byte[]> expiry;
    private KeyValueStore<Bytes, byte[]> starts;
    private Bytes cursor = TimerKeys.lowest();
    /** The smallest timer key due after this task started here. */
    private Bytes settleFloor = TimerKeys.lowest();
    /** When the entries below {@link #settleFloor} may start. */
    private long settledAtMs;

    private long lastTickMs;
    /** After a stall, the commit count that a commit must pass before calls start again; -1 without a stall. */
    private long confirmAfterCommit = -1;
    /** After a stall, the time before which no call starts. */
    private long confirmNotBeforeMs;

    private String taskId;
    private AtomicLongArray waiting;
    private AtomicLongArray pendingDeadLetters;
    private Cancellable tick;
    private Cancellable purge;
    private volatile boolean closed;

    public RetryProcessor(WorkerRuntime runtime) {
        this.runtime = runtime;
    }

    /** Returns the name of the sink that writes to tier {@code index}. */
    public static String tierSink(int index) {
        return "tier-" + index;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        // Kafka Streams calls init again on the same instance when a suspended task comes back.
        synchronized (completions) {
            closed = false;
            inFlight.clear();
        }
        heldForTarget.clear();
        uncommitted.clear();
        uncommittedAfterCommit = -1;
        this.cursor = TimerKeys.lowest();
        long now = now();
        this.settleFloor = TimerKeys.upperBoundFor(now - 1);
        this.settledAtMs = now + REPORT_SETTLE_MS;
        this.lastTickMs = now;
        this.confirmAfterCommit = -1;
        this.context = context;
        this.taskId = context.taskId().toString();
        this.timers = context.getStateStore(TIMERS);
        this.operations = context.getStateStore(OPERATIONS);
        this.expiry = context.getStateStore(EXPIRY);
        this.starts = context.getStateStore(STARTS);
        loadStartMarks();
        this.waiting = runtime.metrics().waitingCounts(taskId);
        this.pendingDeadLetters = runtime.metrics().pendingDeadLetterCounts(taskId);
        countWaiting();
        log.debug("Task {} initialized with {} waiting records", taskId, waitingInTask());
        tick = context.schedule(
                Duration.ofMillis(runtime.punctuateIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::onTick);
        long purgeIntervalMs = Math.min(60_000, Math.max(1_000, runtime.dedupeRetentionMs() / 4));
        purge = context.schedule(
                Duration.ofMillis(purgeIntervalMs), PunctuationType.WALL_CLOCK_TIME, this::purgeExpired);
    }

    @Override
    public void process(org.apache.kafka.streams.processor.api.Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        Tier tier = runtime.ladder().tierOf(metadata.topic()).orElseThrow();
        if (record.headers().lastHeader(PipelineHeaders.OUTCOME_REPORT) != null) {
            applyReport(record, metadata);
            return;
        }
        if (record.value() == null) {
            park(record, metadata, "null value on tier topic " + metadata.topic(), "null_value");
            return;
        }
        FailedOperation operation;
        try {
            operation = runtime.codec().decode(record.value());
        } catch (UndecodableEnvelopeException e) {
            park(record, metadata, e.getMessage(), "undecodable");
            return;
        }
        String invalid = invalidEnvelope(operation);
        if (invalid != null) {
            park(record, metadata, "invalid envelope: " + invalid, "invalid");
            return;
        }
        byte[] keyBytes = operation.getIdempotencyKey().getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(record.key(), keyBytes)) {
            park(
                    record,
                    metadata,
                    "the record key does not match the envelope's idempotency key " + operation.getIdempotencyKey(),
                    "key_mismatch");
            return;
        }
        if (partitionOf(keyBytes) != metadata.partition()) {
            // Another partitioner placed the key, so re-publish it by key to reach the task that owns the key.
            context.forward(record.withTimestamp(now()), tierSink(tier.index()));
            runtime.metrics().misplaced();
            return;
        }
        admit(operation, record, metadata, tier);
    }

    @Override
    public void close() {
        synchronized (completions) {
            closed = true;
            orphans.putAll(inFlight);
        }
        // The start mark of a call may sit in a transaction that aborts, so tell the next owner directly.
        inFlight.values()
                .forEach(call -> runtime.reporter()
                        .reportStart(call.entry(), call.operation(), call.attempt(), call.startedAtMs()));
        heldForTarget.clear();
        Completion finished;
        while ((finished = completions.poll()) != null) {
            handOver(finished.timerKey(), finished.result());
        }
        reportUncommitted();
        if (tick != null) {
            tick.cancel();
        }
        if (purge != null) {
            purge.cancel();
        }
        runtime.metrics().taskClosed(taskId);
        if (!inFlight.isEmpty()) {
            log.info(
                    "Task {} closed with {} attempts in flight; their results go to the task's next owner",
                    taskId,
                    inFlight.size());
        }
    }

    private void admit(
            FailedOperation operation,
            org.apache.kafka.streams.processor.api.Record<byte[], byte[]> record,
            RecordMetadata metadata,
            Tier tier) {
        long now = now();
        Bytes stateKey = Bytes.wrap(operation.getIdempotencyKey().getBytes(StandardCharsets.UTF_8));
        byte[] fingerprint = RequestFingerprint.of(operation);
        OperationState state = readState(stateKey);
        if (state != null && !state.sameRequest(fingerprint)) {
            rejectConflict(operation, metadata, state, now);
            return;
        }
        if (state != null) {
            String duplicate = duplicateReason(state, operation);
            if (duplicate != null) {
                runtime.metrics().dedupeDropped(duplicate);
                log.debug(
                        "Dropped {} of key {} at {}-{}@{}: {}",
                        operation.getOperationId(),
                        operation.getIdempotencyKey(),
                        metadata.topic(),
                        metadata.partition(),
                        metadata.offset(),
                        duplicate);
                return;
            }
            deleteTimer(state.timerKey());
        }
        long dueAtMs = effectiveDue(operation, record.timestamp(), metadata, now);
        Bytes timerKey =
                TimerKeys.of(dueAtMs, operation.getOperationId(), operation.getReplayCount(), operation.getAttempt());
        // A record written by the worker's own schema needs only a new header. Others are encoded again.
        byte[] envelope = runtime.codec().toCurrentSingleObject(record.value());
        TimerEntry entry = TimerEntry.waiting(
                tier.index(),
                metadata.topic(),
                metadata.partition(),
                metadata.offset(),
                dueAtMs,
                envelope != null ? envelope : runtime.localCodec().encode(metadata.topic(), operation));
        putTimer(timerKey, entry);
        writeState(
                stateKey,
                new OperationState(
                        Status.IN_LADDER,
                        operation.getOperationId(),
                        fingerprint,
                        operation.getAttempt(),
                        operation.getReplayCount(),
                        now,
                        0,
                        timerKey.get()));
        runtime.metrics().accepted(tier.topic());
        log.debug(
                "Accepted key {} from {}-{}@{}, due in {} ms",
                operation.getIdempotencyKey(),
                metadata.topic(),
                metadata.partition(),
                metadata.offset(),
                dueAtMs - now);
    }

    /** Returns what makes a decoded envelope unusable, or null when the worker can carry it. */
    private static String invalidEnvelope(FailedOperation operation) {
        int keyLength = operation.getIdempotencyKey().length();
        if (keyLength == 0 || keyLength > 255) {
            return "the idempotency key has " + keyLength + " characters, expected 1 to 255";
        }
        if (operation.getAttempt() < 0 || operation.getMaxAttempts() < 1) {
            return "attempt " + operation.getAttempt() + " of " + operation.getMaxAttempts()
                    + ", expected an attempt of 0 or more and a budget of 1 or more";
        }
        return null;
    }

    /** Returns why a record of a known key is dropped, or null when it continues the key's operation. */
    private static String duplicateReason(OperationState state, FailedOperation operation) {
        if (!state.operationId().equals(operation.getOperationId())) {
            return state.status() == Status.IN_LADDER ? "duplicate_publish" : "finished_key";
        }
        if (operation.getReplayCount() > state.replayCount()) {
            return state.status() == Status.SUCCEEDED ? "replay_of_succeeded_key" : null;
        }
        if (operation.getReplayCount() < state.replayCount()) {
            return "stale_delivery";
        }
        if (state.status() == Status.IN_LADDER && operation.getAttempt() > state.acceptedAttempt()) {
            return null;
        }
        return "duplicate_delivery";
    }

    /**
     * Returns when the record is due on this worker's clock. The delay is the one the publisher
     * intended: due time minus failure time, a difference that clock skew does not change. It is
     * capped at the longest delay the ladder allows, and it starts from the record's timestamp. That
     * timestamp is the broker's append time on tier topics with LogAppendTime, and the time the
     * worker read the record otherwise.
     */
    private long effectiveDue(FailedOperation operation, long recordTimestamp, RecordMetadata metadata, long now) {
        long delay = operation.getDueAt().toEpochMilli()
                - operation.getLastFailureAt().toEpochMilli();
        long maxDelay = runtime.dueTimes().maxDelay().toMillis();
        if (delay > maxDelay) {
            runtime.metrics().dueCapped();
            cappedDueLog.warn(
                    "Due time of key {} at {}-{}@{} lies {} ms after its failure, beyond the longest tier"
                            + " delay of {} ms; capped",
                    operation.getIdempotencyKey(),
                    metadata.topic(),
                    metadata.partition(),
                    metadata.offset(),
                    delay,
                    maxDelay);
            delay = maxDelay;
        }
        long anchor = Math.min(recordTimestamp, now);
        return anchor + Math.max(0, delay);
    }

    private void onTick(long timestamp) {
        if (closed) {
            return;
        }
        long now = now();
        if (now - lastTickMs > runtime.stallMs()) {
            // The process or the stream thread stopped for so long that the group may have moved this
            // task to another worker, which then calls the same due entries.
            confirmAfterCommit = runtime.transactions().onThisThread();
            confirmNotBeforeMs = now + STALL_CONFIRM_MS;
            log.warn(
                    "Task {} ran no punctuation for {} ms, more than half the session timeout; it starts no calls"
                            + " until a commit shows that it still owns its partitions",
                    taskId,
                    now - lastTickMs);
        }
        lastTickMs = now;
        applyCompletions(now);
        if (confirmAfterCommit >= 0) {
            // A commit that carries consumed offsets also carries the group generation, which the broker checks.
            if (now < confirmNotBeforeMs || runtime.transactions().onThisThread() <= confirmAfterCommit) {
                return;
            }
            confirmAfterCommit = -1;
            log.info("Task {} committed after the stall and starts calls again", taskId);
        }
        fireDue(now);
    }

    private void fireDue(long now) {
        Bytes upper = TimerKeys.upperBoundFor(now);
        // Entries due before the task started here wait for the reports of its previous owner.
        boolean settling = now < settledAtMs && cursor.compareTo(settleFloor) < 0;
        Bytes from = settling ? settleFloor : cursor;
        if (from.compareTo(upper) > 0 || uncommittedResults() >= UNCOMMITTED_RESULTS_MAX) {
            return;
        }
        Bytes firstLeft = null;
        int examined = 0;
        List<KeyValue<Bytes, TimerEntry>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> iterator = timers.range(from, upper)) {
            while (iterator.hasNext()) {
                if (examined++ >= FIRE_BUDGET_PER_TICK) {
                    if (firstLeft == null) {
                        firstLeft = iterator.peekNextKey();
                    }
                    break;
                }
                KeyValue<Bytes, byte[]> next = iterator.next();
                Long heldUntil = heldForTarget.get(next.key);
                if (heldUntil != null && heldUntil > now) {
                    if (firstLeft == null) {
                        firstLeft = next.key;
                    }
                } else if (!inFlight.containsKey(next.key)) {
                    due.add(KeyValue.pair(next.key, TimerEntry.deserialize(next.value)));
                }
            }
        }
        for (KeyValue<Bytes, TimerEntry> entry : due) {
            boolean handled = fire(entry.key, entry.value, now);
            if (!handled || heldForTarget.containsKey(entry.key)) {
                if (firstLeft == null || entry.key.compareTo(firstLeft) < 0) {
                    firstLeft = entry.key;
                }
                if (!handled) {
                    break;
                }
            }
        }
        if (!settling) {
            cursor = firstLeft != null ? firstLeft : upper;
        }
    }

    /** Starts, defers or writes out one due entry; returns false when this worker can start no more now. */
    private boolean fire(Bytes key, TimerEntry entry, long now) {
        // An entry that waited in memory has missed any rate slot it reserved.
        boolean slotLapsed = heldForTarget.remove(key) != null;
        if (entry.kind() != TimerEntry.Kind.WAITING) {
            writeHeldDeadLetter(key, entry, now);
            return true;
        }
        FailedOperation operation = decodeLocal(entry);
        Long startedAtMs = startMark(key);
        if (startedAtMs != null) {
            long handoverDeadline = startedAtMs + callTimeoutMs(operation) + HANDOVER_GRACE_MS;
            if (now < handoverDeadline) {
                // Another worker, or this one before a crash, started this attempt: wait for its result.
                Bytes moved = moveTimer(key, entry, operation, handoverDeadline);
                markStarted(moved, startedAtMs);
                runtime.metrics().deferred("awaiting_handover");
                return true;
            }
            clearStartMark(key);
        }
        int attempt = operation.getAttempt() + 1;
        int maxAttempts = Math.min(operation.getMaxAttempts(), runtime.attemptLimit());
        if (operation.getAttempt() >= maxAttempts) {
            AttemptResult exhausted = AttemptResult.nonRetryable(
                    ErrorKind.INVALID_OPERATION,
                    "the record allows no further attempt (attempt " + operation.getAttempt() + " of " + maxAttempts
                            + ")");
            finishWithDeadLetter(
                    key, entry, operation, exhausted, operation.getAttempt(), DeadLetterReason.ATTEMPTS_EXHAUSTED, now);
            return true;
        }
        Start start = runtime.dispatcher()
                .tryStart(
                        operation,
                        attempt,
                        entry.dueAtMs(),
                        entry.rateSlotReserved() && !slotLapsed,
                        result -> complete(key, result));
        switch (start.status()) {
            case STARTED:
                // Recorded before any store write, which throws when the producer is fenced, because a
                // closing task hands over only the calls recorded here.
                inFlight.put(key, new InFlight(entry, operation, attempt, now));
                // The start mark lets a later owner of this task know that the call may be in flight.
                markStarted(key, now);
                runtime.metrics().lateness(tierTopic(entry), now - entry.dueAtMs());
                return true;
            case BREAKER_OPEN:
                long release =
                        start.waitMs() > 0 ? start.waitMs() + jitter(runtime.releaseSpreadMs()) : 100 + jitter(200);
                defer(key, entry, operation, now + release, false, "breaker_open");
                return true;
            case TARGET_BUSY:
                if (heldForTarget.size() < HELD_FOR_TARGET_MAX) {
                    heldForTarget.put(key, now + 5 + jitter(20));
                    runtime.metrics().deferred("target_busy");
                } else {
                    defer(key, entry, operation, now + busyBacklogWaitMs(entry.deferrals()), false, "target_busy");
                }
                return true;
            case PACED:
                defer(key, entry, operation, now + start.waitMs(), true, "paced");
                return true;
            case PACED_UNBOOKED:
                defer(key, entry, operation, now + start.waitMs() + jitter(100), false, "paced");
                return true;
            case WORKER_BUSY:
            case DRAINING:
            default:
                return false;
        }
    }

    /**
     * Returns how long an entry beyond those waiting in memory for a busy target moves later. The
     * wait doubles with each deferral of the entry, from 25 ms up to 1 s, so that a long backlog of
     * one target costs few store writes and does not slow the records of other targets.
     */
    private static long busyBacklogWaitMs(int deferrals) {
        return Math.min(1_000, 25L << Math.min(deferrals, 6)) + jitter(25);
    }

    private void defer(
            Bytes key, TimerEntry entry, FailedOperation operation, long untilMs, boolean slotReserved, String reason) {
        moveTimer(key, entry.deferred(slotReserved), operation, untilMs);
        runtime.metrics().deferred(reason);
    }

    /** Moves an entry to a new due time and points the key's state at it. */
    private Bytes moveTimer(Bytes key, TimerEntry moved, FailedOperation operation, long untilMs) {
        Bytes newKey = TimerKeys.withDue(key, untilMs);
        remove(timers, key);
        clearStartMark(key);
        timers.put(newKey, moved.serialize());
        lowerCursor(newKey);
        Bytes stateKey = stateKey(operation);
        OperationState state = readState(stateKey);
        if (state != null && state.operationId().equals(operation.getOperationId())) {
            writeState(stateKey, state.withTimerKey(newKey.get(), now()));
        }
        return newKey;
    }

    /**
     * Takes the result of a call on the thread that finished it: queued for the stream thread while
     * this task runs here, handed to the task's next owner once it has moved away.
     */
    private void complete(Bytes key, AttemptResult result) {
        synchronized (completions) {
            if (!closed && !orphans.containsKey(key)) {
                completions.add(new Completion(key, result));
                return;
            }
        }
        handOver(key, result);
    }

    private void handOver(Bytes key, AttemptResult result) {
        InFlight attempt = orphans.remove(key);
        if (attempt != null) {
            runtime.reporter()
                    .report(attempt.entry(), attempt.operation(), attempt.attempt(), attempt.startedAtMs(), result);
        }
    }

    /** Applies the result of an attempt that another worker made while it owned this task. */
    private void applyReport(
            org.apache.kafka.streams.processor.api.Record<byte[], byte[]> record, RecordMetadata metadata) {
        String where = metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset();
        OutcomeReport report;
        try {
            report = OutcomeReport.deserialize(record.value());
        } catch (IllegalArgumentException e) {
            park(record, metadata, "unreadable outcome report: " + e.getMessage(), "undecodable");
            return;
        }
        long now = now();
        Bytes stateKey = Bytes.wrap(record.key());
        OperationState state = readState(stateKey);
        if (state == null || state.timerKey() == null || !state.operationId().equals(report.operationId())) {
            log.debug("Ignored the outcome report at {}: its operation no longer waits here", where);
            return;
        }
        Bytes timerKey = Bytes.wrap(state.timerKey());
        byte[] stored = timers.get(timerKey);
        if (stored == null || inFlight.containsKey(timerKey)) {
            log.debug("Ignored the outcome report at {}: the attempt started again here", where);
            return;
        }
        TimerEntry entry = TimerEntry.deserialize(stored);
        FailedOperation operation = decodeLocal(entry);
        Long startedAtMs = startMark(timerKey);
        boolean sameAttempt =
                operation.getReplayCount() == report.replayCount() && operation.getAttempt() + 1 == report.attempt();
        if (report.inFlight()) {
            if (sameAttempt && startedAtMs == null) {
                // The start mark was lost with an aborted transaction; wait for the call's result as if it were here.
                heldForTarget.remove(timerKey);
                markStarted(timerKey, report.startedAtMs());
                log.debug(
                        "Marked attempt {} of key {} as started, as the report at {} shows",
                        report.attempt(),
                        operation.getIdempotencyKey(),
                        where);
            }
            return;
        }
        boolean earlierSuccess = report.result().succeeded()
                && operation.getReplayCount() == report.replayCount()
                && operation.getAttempt() + 1 > report.attempt();
        if (earlierSuccess) {
            // This task repeated the attempt after the worker that made it stopped, and the first call succeeded.
            runtime.metrics().handedOver();
            heldForTarget.remove(timerKey);
            applyOutcome(
                    timerKey,
                    new InFlight(entry, operation, report.attempt(), report.startedAtMs()),
                    report.result(),
                    now);
            return;
        }
        // No start mark is left when the transaction that wrote it aborted; the report shows the call was made.
        if (!sameAttempt || (startedAtMs != null && startedAtMs != report.startedAtMs())) {
            log.debug("Ignored the outcome report at {}: it is for another attempt", where);
            return;
        }
        runtime.metrics().handedOver();
        heldForTarget.remove(timerKey);
        applyOutcome(
                timerKey, new InFlight(entry, operation, report.attempt(), report.startedAtMs()), report.result(), now);
    }

    private long callTimeoutMs(FailedOperation operation) {
        if (operation.getRequest() instanceof io.retryladder.envelope.avro.HttpRequest http
                && http.getTimeoutMs() != null
                && http.getTimeoutMs() > 0) {
            return http.getTimeoutMs();
        }
        return runtime.callTimeoutMs();
    }

    private void applyCompletions(long now) {
        Completion completion;
        while ((completion = completions.poll()) != null) {
            InFlight attempt = inFlight.remove(completion.timerKey());
            if (attempt != null) {
                keepUntilCommitted(attempt, completion.result());
                applyOutcome(completion.timerKey(), attempt, completion.result(), now);
            }
        }
    }

    /** Keeps a result that this task applies now until the stream thread commits its transaction. */
    private void keepUntilCommitted(InFlight attempt, AttemptResult result) {
        uncommittedResults();
        FailedOperation operation = attempt.operation();
        uncommitted.add(new UncommittedResult(
                attempt.entry().sourceTopic(),
                attempt.entry().sourcePartition(),
                operation.getIdempotencyKey(),
                new OutcomeReport(
                        operation.getOperationId(),
                        operation.getReplayCount(),
                        attempt.attempt(),
                        attempt.startedAtMs(),
                        result)));
    }

    /** Returns how many results wait for a commit, after forgetting those that a commit made durable. */
    private int uncommittedResults() {
        long commits = runtime.transactions().onThisThread();
        if (commits != uncommittedAfterCommit) {
            uncommitted.clear();
            uncommittedAfterCommit = commits;
        }
        return uncommitted.size();
    }

    /**
     * Sends the results applied since the last commit to the task's next owner. Kafka Streams commits
     * a task before it closes it cleanly, so these results are in a transaction that aborted or whose
     * commit is still to come. The next owner ignores a report of a result that was committed.
     */
    private void reportUncommitted() {
        int count = uncommittedResults();
        for (UncommittedResult result : uncommitted) {
            runtime.reporter()
                    .reportUncommitted(result.topic(), result.partition(), result.idempotencyKey(), result.report());
        }
        uncommitted.clear();
        if (count > 0) {
            log.info(
                    "Task {} closed with {} results not yet committed; sent them to the task's next owner in case"
                            + " the transaction aborts",
                    taskId,
                    count);
        }
    }

    private void applyOutcome(Bytes timerKey, InFlight attempt, AttemptResult result, long now) {
        FailedOperation operation = attempt.operation();
        TimerEntry entry = attempt.entry();
        String tier = tierTopic(entry);
        if (result.succeeded()) {
            removeTimer(timerKey, entry);
            finishState(operation, Status.SUCCEEDED, now);
            runtime.metrics().attempted(tier, "success");
            log.debug(
                    "Attempt {} of key {} from {} succeeded",
                    attempt.attempt(),
                    operation.getIdempotencyKey(),
                    entry.position());
            return;
        }
        int maxAttempts = Math.min(operation.getMaxAttempts(), runtime.attemptLimit());
        if (result.retryable() && attempt.attempt() < maxAttempts) {
            runtime.metrics().attempted(tier, "retryable_failure");
            FailedOperation next = runtime.transitions()
                    .afterRetryableFailure(operation, entry, result, attempt.attempt(), Instant.ofEpochMilli(now));
            Tier nextTier = runtime.transitions().nextTier(attempt.attempt());
            String nextTopic = runtime.ladder().tiers().get(nextTier.index()).topic();
            if (!forwardEnvelope(next, nextTopic, tierSink(nextTier.index()), now)) {
                AttemptResult tooLarge = AttemptResult.nonRetryable(
                        result.errorKind() == null ? ErrorKind.UNKNOWN : result.errorKind(),
                        "the record would exceed max.message.bytes of " + nextTopic + " after attempt "
                                + attempt.attempt() + " (" + result.message() + ")");
                finishWithDeadLetter(
                        timerKey,
                        entry,
                        operation,
                        tooLarge,
                        attempt.attempt(),
                        DeadLetterReason.RECORD_TOO_LARGE,
                        now);
                return;
            }
            // The key's state still points at the removed entry until the next tier's record replaces it.
            removeTimer(timerKey, entry);
            log.debug(
                    "Attempt {} of key {} from {} failed ({}); next attempt from {} due at {}",
                    attempt.attempt(),
                    operation.getIdempotencyKey(),
                    entry.position(),
                    result.message(),
                    nextTier.topic(),
                    next.getDueAt());
            return;
        }
        runtime.metrics().attempted(tier, result.retryable() ? "retryable_failure" : "non_retryable_failure");
        DeadLetterReason reason =
                result.retryable() ? DeadLetterReason.ATTEMPTS_EXHAUSTED : DeadLetterReason.NON_RETRYABLE;
        finishWithDeadLetter(timerKey, entry, operation, result, attempt.attempt(), reason, now);
    }

    private void finishWithDeadLetter(
            Bytes timerKey,
            TimerEntry entry,
            FailedOperation operation,
            AttemptResult result,
            int attemptMade,
            DeadLetterReason reason,
            long now) {
        FailedOperation deadLetter = runtime.transitions()
                .afterFinalFailure(operation, entry, result, attemptMade, reason, Instant.ofEpochMilli(now));
        removeTimer(timerKey, entry);
        if (tryWriteDeadLetter(deadLetter, now)) {
            finishState(operation, Status.DEAD_LETTERED, now);
            logDeadLetter(deadLetter, entry.position());
            return;
        }
        hold(
                entry.holding(
                        TimerEntry.Kind.DEAD_LETTER,
                        runtime.localCodec().encode(entry.sourceTopic(), deadLetter),
                        INITIAL_DEAD_LETTER_BACKOFF_MS),
                deadLetter,
                now,
                holdReason());
    }

    /** Returns why a dead letter that could not be written waits: the topic's state, or its size limit. */
    private String holdReason() {
        return runtime.deadLetterGate().isWritable()
                ? "the record is larger than max.message.bytes of "
                        + runtime.ladder().deadLetterTopic() + "; raise that limit"
                : runtime.deadLetterGate().reason();
    }

    private void rejectConflict(FailedOperation operation, RecordMetadata metadata, OperationState owner, long now) {
        TierPosition position = new TierPosition(metadata.topic(), metadata.partition(), metadata.offset());
        FailedOperation deadLetter =
                runtime.transitions().keyConflict(operation, position, owner.operationId(), Instant.ofEpochMilli(now));
        String where = metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset();
        if (tryWriteDeadLetter(deadLetter, now)) {
            logDeadLetter(deadLetter, where);
            return;
        }
        Tier tier = runtime.ladder().tierOf(metadata.topic()).orElseThrow();
        TimerEntry entry = TimerEntry.waiting(
                tier.index(), metadata.topic(), metadata.partition(), metadata.offset(), now, new byte[0]);
        hold(
                entry.holding(
                        TimerEntry.Kind.DEAD_LETTER,
                        runtime.localCodec().encode(metadata.topic(), deadLetter),
                        INITIAL_DEAD_LETTER_BACKOFF_MS),
                deadLetter,
                now,
                holdReason());
    }

    private void park(
            org.apache.kafka.streams.processor.api.Record<byte[], byte[]> record,
            RecordMetadata metadata,
            String reason,
            String metricReason) {
        long now = now();
        Headers headers = PipelineHeaders.forParkedRecord(
                record.headers(), reason, metadata.topic(), metadata.partition(), metadata.offset());
        RawRecord raw = new RawRecord(record.key(), record.value(), headers);
        String where = metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset();
        runtime.metrics().parked(metricReason);
        if (runtime.deadLetterGate().isWritable() && fitsDeadLetterTopic(raw)) {
            context.forward(
                    new org.apache.kafka.streams.processor.api.Record<>(raw.key(), raw.value(), now, headers),
                    DEAD_LETTER_SINK);
            log.warn(
                    "Parked the unreadable record at {} in {}: {}",
                    where,
                    runtime.ladder().deadLetterTopic(),
                    reason);
            return;
        }
        Tier tier = runtime.ladder().tierOf(metadata.topic()).orElseThrow();
        TimerEntry entry = TimerEntry.parked(
                tier.index(),
                metadata.topic(),
                metadata.partition(),
                metadata.offset(),
                now,
                INITIAL_DEAD_LETTER_BACKOFF_MS,
                raw.serialize());
        Bytes key = TimerKeys.of(now + INITIAL_DEAD_LETTER_BACKOFF_MS, "parked:" + where, 0, 0);
        timers.put(key, entry.serialize());
        pendingDeadLetters.incrementAndGet(0);
        lowerCursor(key);
        runtime.metrics().deadLetterWriteDeferred();
        heldDeadLetterLog.warn(
                "Holding the unreadable record at {} until {} takes it ({}): {}",
                where,
                runtime.ladder().deadLetterTopic(),
                holdReason(),
                reason);
    }

    /** Writes a held dead letter or parked record when the topic is writable, or backs off again. */
    private void writeHeldDeadLetter(Bytes key, TimerEntry entry, long now) {
        if (!runtime.deadLetterGate().isWritable()) {
            backOff(key, entry, now, runtime.deadLetterGate().reason());
            return;
        }
        if (entry.kind() == TimerEntry.Kind.PARKED) {
            RawRecord raw = RawRecord.deserialize(entry.payload());
            if (!fitsDeadLetterTopic(raw)) {
                backOff(key, entry, now, holdReason());
                return;
            }
            remove(timers, key);
            pendingDeadLetters.decrementAndGet(0);
            context.forward(
                    new org.apache.kafka.streams.processor.api.Record<>(raw.key(), raw.value(), now, raw.headers()),
                    DEAD_LETTER_SINK);
            log.warn(
                    "Parked the held unreadable record from {} in {}",
                    entry.position(),
                    runtime.ladder().deadLetterTopic());
            return;
        }
        FailedOperation deadLetter = decodeLocal(entry);
        if (!forwardEnvelope(deadLetter, runtime.ladder().deadLetterTopic(), DEAD_LETTER_SINK, now)) {
            backOff(key, entry, now, holdReason());
            return;
        }
        remove(timers, key);
        pendingDeadLetters.decrementAndGet(0);
        if (deadLetter.getDeadLetter().getReason() != DeadLetterReason.KEY_CONFLICT) {
            finishState(deadLetter, Status.DEAD_LETTERED, now);
        }
        logDeadLetter(deadLetter, entry.position());
    }

    /** Tries a held dead letter or parked record again later, waiting twice as long as last time. */
    private void backOff(Bytes key, TimerEntry entry, long now, String reason) {
        long backoff = Math.min(entry.deadLetterBackoffMs() * 2, runtime.deadLetterBackoffMaxMs());
        Bytes newKey = TimerKeys.withDue(key, now + backoff);
        remove(timers, key);
        timers.put(newKey, entry.withBackoff(backoff).serialize());
        lowerCursor(newKey);
        runtime.metrics().deadLetterWriteDeferred();
        heldDeadLetterLog.warn(
                "Could not write the record from {} to {} ({}); next try in {} ms",
                entry.position(),
                runtime.ladder().deadLetterTopic(),
                reason,
                backoff);
    }

    private boolean fitsDeadLetterTopic(RawRecord raw) {
        String topic = runtime.ladder().deadLetterTopic();
        int limit = Math.min(runtime.topics().maxMessageBytes(topic), runtime.maxRecordBytes());
        return RecordSizes.estimate(raw.key(), raw.value(), raw.headers()) <= limit;
    }

    private boolean tryWriteDeadLetter(FailedOperation deadLetter, long now) {
        if (!runtime.deadLetterGate().isWritable()) {
            return false;
        }
        return forwardEnvelope(deadLetter, runtime.ladder().deadLetterTopic(), DEAD_LETTER_SINK, now);
    }

    private void hold(TimerEntry held, FailedOperation deadLetter, long now, String reason) {
        Bytes key = TimerKeys.of(
                now + held.deadLetterBackoffMs(),
                "held:" + deadLetter.getOperationId(),
                deadLetter.getReplayCount(),
                deadLetter.getAttempt());
        timers.put(key, held.serialize());
        pendingDeadLetters.incrementAndGet(0);
        lowerCursor(key);
        Bytes stateKey = stateKey(deadLetter);
        OperationState state = readState(stateKey);
        if (state != null && state.operationId().equals(deadLetter.getOperationId())) {
            writeState(stateKey, state.withTimerKey(key.get(), now));
        }
        runtime.metrics().deadLetterWriteDeferred();
        heldDeadLetterLog.warn(
                "Holding the dead letter of key {} until {} takes it ({})",
                deadLetter.getIdempotencyKey(),
                runtime.ladder().deadLetterTopic(),
                reason);
    }

    /** Sends an envelope to a tier or the dead-letter topic; returns false when it is too large to send. */
    private boolean forwardEnvelope(FailedOperation operation, String topic, String sink, long now) {
        byte[] key = operation.getIdempotencyKey().getBytes(StandardCharsets.UTF_8);
        byte[] value = runtime.codec().encode(topic, operation);
        Headers headers = PipelineHeaders.forEnvelope(operation);
        int limit = Math.min(runtime.topics().maxMessageBytes(topic), runtime.maxRecordBytes());
        if (RecordSizes.estimate(key, value, headers) > limit
                && !operation.getHistory().isEmpty()) {
            operation.setHistory(new ArrayList<>(operation
                    .getHistory()
                    .subList(
                            operation.getHistory().size() - 1,
                            operation.getHistory().size())));
            value = runtime.codec().encode(topic, operation);
        }
        int size = RecordSizes.estimate(key, value, headers);
        if (size > limit) {
            log.error(
                    "The record of key {} for {} would be about {} bytes but the limit is {}; raise max.message.bytes"
                            + " of {}",
                    operation.getIdempotencyKey(),
                    topic,
                    size,
                    limit,
                    topic);
            return false;
        }
        context.forward(new org.apache.kafka.streams.processor.api.Record<>(key, value, now, headers), sink);
        return true;
    }

    private void finishState(FailedOperation operation, Status status, long now) {
        Bytes stateKey = stateKey(operation);
        OperationState state = readState(stateKey);
        if (state == null || !state.operationId().equals(operation.getOperationId())) {
            return;
        }
        long expiresAt = now + runtime.dedupeRetentionMs();
        writeState(stateKey, state.withStatus(status, now, expiresAt));
        expiry.put(ExpiryKeys.of(expiresAt, stateKey.get()), new byte[0]);
    }

    private void purgeExpired(long timestamp) {
        long now = now();
        int purged = 0;
        List<Bytes> done = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> iterator =
                expiry.range(TimerKeys.lowest(), TimerKeys.upperBoundFor(now))) {
            while (iterator.hasNext() && done.size() < PURGE_BUDGET) {
                done.add(iterator.next().key);
            }
        }
        for (Bytes indexKey : done) {
            Bytes stateKey = Bytes.wrap(ExpiryKeys.stateKey(indexKey));
            OperationState state = readState(stateKey);
            if (state != null && state.status().isFinished() && state.expiresAtMs() <= now) {
                remove(operations, stateKey);
                purged++;
            }
            remove(expiry, indexKey);
        }
        if (purged > 0) {
            log.debug("Task {} forgot {} idempotency keys past their retention", taskId, purged);
        }
    }

    private void putTimer(Bytes key, TimerEntry entry) {
        timers.put(key, entry.serialize());
        waiting.incrementAndGet(entry.tierIndex());
        lowerCursor(key);
    }

    private void removeTimer(Bytes key, TimerEntry entry) {
        remove(timers, key);
        clearStartMark(key);
        waiting.decrementAndGet(entry.tierIndex());
    }

    private long waitingInTask() {
        long total = 0;
        for (int i = 0; i < waiting.length(); i++) {
            total += waiting.get(i);
        }
        return total;
    }

    private Long startMark(Bytes key) {
        return startMarks.get(key);
    }

    private void loadStartMarks() {
        startMarks.clear();
        try (KeyValueIterator<Bytes, byte[]> iterator = starts.all()) {
            while (iterator.hasNext()) {
                KeyValue<Bytes, byte[]> mark = iterator.next();
                startMarks.put(mark.key, ByteBuffer.wrap(mark.value).getLong());
            }
        }
    }

    private void markStarted(Bytes key, long startedAtMs) {
        starts.put(key, longBytes(startedAtMs));
        startMarks.put(key, startedAtMs);
    }

    private void clearStartMark(Bytes key) {
        if (startMarks.remove(key) != null) {
            remove(starts, key);
        }
    }

    /** Deletes a key. A put of null deletes without reading the old value first, which delete does. */
    private static void remove(KeyValueStore<Bytes, byte[]> store, Bytes key) {
        store.put(key, null);
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private void deleteTimer(byte[] key) {
        if (key == null) {
            return;
        }
        Bytes timerKey = Bytes.wrap(key);
        heldForTarget.remove(timerKey);
        byte[] stale = timers.get(timerKey);
        if (stale != null && !inFlight.containsKey(timerKey)) {
            TimerEntry entry = TimerEntry.deserialize(stale);
            remove(timers, timerKey);
            clearStartMark(timerKey);
            if (entry.kind() == TimerEntry.Kind.WAITING) {
                waiting.decrementAndGet(entry.tierIndex());
            } else {
                pendingDeadLetters.decrementAndGet(0);
            }
        }
    }

    private void countWaiting() {
        long[] perTier = new long[waiting.length()];
        long held = 0;
        try (KeyValueIterator<Bytes, byte[]> iterator = timers.all()) {
            while (iterator.hasNext()) {
                TimerEntry entry = TimerEntry.deserialize(iterator.next().value);
                if (entry.kind() == TimerEntry.Kind.WAITING) {
                    perTier[entry.tierIndex()]++;
                } else {
                    held++;
                }
            }
        }
        for (int i = 0; i < perTier.length; i++) {
            waiting.set(i, perTier[i]);
        }
        pendingDeadLetters.set(0, held);
    }

    private void lowerCursor(Bytes key) {
        if (key.compareTo(cursor) < 0) {
            cursor = key;
        }
    }

    private OperationState readState(Bytes key) {
        byte[] bytes = operations.get(key);
        return bytes == null ? null : OperationState.deserialize(bytes);
    }

    private void writeState(Bytes key, OperationState state) {
        operations.put(key, state.serialize());
    }

    private FailedOperation decodeLocal(TimerEntry entry) {
        try {
            return runtime.localCodec().decode(entry.payload());
        } catch (UndecodableEnvelopeException e) {
            throw new IllegalStateException("Corrupt envelope in the timer store for " + entry.position(), e);
        }
    }

    private void logDeadLetter(FailedOperation deadLetter, String position) {
        runtime.metrics()
                .deadLettered(
                        deadLetter.getDeadLetter().getReason().name(),
                        deadLetter.getLastError().getKind().name());
        log.warn(
                "Dead-lettered key {} (operation {}) from {} after attempt {}: {} ({})",
                deadLetter.getIdempotencyKey(),
                deadLetter.getOperationId(),
                position,
                deadLetter.getAttempt(),
                deadLetter.getDeadLetter().getReason(),
                deadLetter.getLastError().getKind());
    }

    private int partitionOf(byte[] key) {
        return Utils.toPositive(Utils.murmur2(key)) % runtime.topics().tierPartitions();
    }

    private String tierTopic(TimerEntry entry) {
        return runtime.ladder().tiers().get(entry.tierIndex()).topic();
    }

    private static Bytes stateKey(FailedOperation operation) {
        return Bytes.wrap(operation.getIdempotencyKey().getBytes(StandardCharsets.UTF_8));
    }

    private long now() {
        return runtime.clock().millis();
    }

    private static long jitter(long boundMs) {
        return boundMs <= 0 ? 0 : ThreadLocalRandom.current().nextLong(boundMs + 1);
    }

    private record InFlight(TimerEntry entry, FailedOperation operation, int attempt, long startedAtMs) {}

    private record Completion(Bytes timerKey, AttemptResult result) {}

    private record UncommittedResult(String topic, int partition, String idempotencyKey, OutcomeReport report) {}

    /** Keys of the expiry index: expiry time (8 bytes) then the idempotency key. */
    static final class ExpiryKeys {
        private ExpiryKeys() {}

        static Bytes of(long expiresAtMs, byte[] stateKey) {
            return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + stateKey.length)
                    .putLong(expiresAtMs)
                    .put(stateKey)
                    .array());
        }

        static byte[] stateKey(Bytes indexKey) {
            byte[] bytes = indexKey.get();
            return Arrays.copyOfRange(bytes, Long.BYTES, bytes.length);
        }
    }
}
