package io.retryladder.worker.internal;

import io.retryladder.envelope.DueTimes;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.codec.EnvelopeCodec;
import java.time.Clock;

/**
 * What every task processor of one worker process shares: configuration values and the services
 * that outlive a task.
 *
 * @param codec reads envelopes from the tiers and writes them to the tiers and the dead-letter topic
 * @param localCodec writes envelopes into the timer store; single-object encoding needs no registry
 * @param attemptLimit the most attempts in one budget, whatever a record asks for
 * @param maxRecordBytes the largest record the worker's producer may send
 * @param transactions the commits of each stream thread's producer
 * @param stallMs the longest gap between two punctuations of a task before it must confirm that it
 *     still owns its partitions. It is half the main consumer's session timeout.
 */
public record WorkerRuntime(
        String workerId,
        Ladder ladder,
        DueTimes dueTimes,
        EnvelopeCodec codec,
        EnvelopeCodec localCodec,
        EnvelopeTransitions transitions,
        CallDispatcher dispatcher,
        OutcomeReporter reporter,
        DeadLetterGate deadLetterGate,
        WorkerMetrics metrics,
        TopicLayout topics,
        Clock clock,
        int punctuateIntervalMs,
        int attemptLimit,
        long dedupeRetentionMs,
        long releaseSpreadMs,
        long deadLetterBackoffMaxMs,
        int maxRecordBytes,
        long callTimeoutMs,
        CommittedTransactions transactions,
        long stallMs) {}
