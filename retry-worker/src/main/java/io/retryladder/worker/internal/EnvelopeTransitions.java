package io.retryladder.worker.internal;

import io.retryladder.envelope.DueTimes;
import io.retryladder.envelope.ErrorText;
import io.retryladder.envelope.Tier;
import io.retryladder.envelope.avro.DeadLetterInfo;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.ErrorInfo;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HistoryEvent;
import io.retryladder.envelope.avro.TierPosition;
import io.retryladder.worker.AttemptResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the envelope an operation carries to its next home after an attempt: the next tier with a
 * fresh due time, or the dead-letter topic with the reason. History is bounded and error text
 * capped, so envelopes do not grow from hop to hop.
 */
public final class EnvelopeTransitions {

    private final DueTimes dueTimes;
    private final int historyMaxEntries;
    private final int messageMaxChars;
    private final String workerId;

    public EnvelopeTransitions(DueTimes dueTimes, int historyMaxEntries, int messageMaxChars, String workerId) {
        this.dueTimes = dueTimes;
        this.historyMaxEntries = historyMaxEntries;
        this.messageMaxChars = messageMaxChars;
        this.workerId = workerId;
    }

    /** Returns the tier the operation waits in after {@code attemptMade} failed attempts. */
    public Tier nextTier(int attemptMade) {
        return dueTimes.ladder().tierAfterAttempt(attemptMade);
    }

    /** Returns the envelope for the next tier after attempt {@code attemptMade} failed in a retryable way. */
    public FailedOperation afterRetryableFailure(
            FailedOperation operation, TimerEntry entry, AttemptResult result, int attemptMade, Instant now) {
        Duration previousDelay = Duration.between(operation.getLastFailureAt(), operation.getDueAt());
        Instant dueAt = dueTimes.next(
                nextTier(attemptMade),
                now,
                previousDelay.isNegative() ? Duration.ZERO : previousDelay,
                result.retryAfter());
        FailedOperation next = failed(operation, entry, result, attemptMade, now);
        next.setDueAt(dueAt);
        return next;
    }

    /** Returns the dead letter for an operation whose attempt {@code attemptMade} failed for good. */
    public FailedOperation afterFinalFailure(
            FailedOperation operation,
            TimerEntry entry,
            AttemptResult result,
            int attemptMade,
            DeadLetterReason reason,
            Instant now) {
        FailedOperation deadLetter = failed(operation, entry, result, attemptMade, now);
        deadLetter.setDueAt(now);
        markDeadLettered(deadLetter, reason, now);
        return deadLetter;
    }

    /**
     * Returns the dead letter for a record whose idempotency key already belongs to another operation
     * with a different request.
     */
    public FailedOperation keyConflict(
            FailedOperation operation, TierPosition position, String ownerOperationId, Instant now) {
        FailedOperation deadLetter = shallowCopy(operation);
        String message = "idempotency key " + operation.getIdempotencyKey() + " already belongs to operation "
                + ownerOperationId + " with a different request; give each distinct operation its own key";
        deadLetter.setLastError(
                new ErrorInfo(ErrorKind.KEY_CONFLICT, ErrorText.cap(message, messageMaxChars), null, false));
        deadLetter.setHop(position);
        deadLetter.setDueAt(now);
        appendHistory(
                deadLetter,
                event(now, HistoryEvent.DEAD_LETTERED, operation.getAttempt(), ErrorKind.KEY_CONFLICT, null, message));
        markDeadLettered(deadLetter, DeadLetterReason.KEY_CONFLICT, now);
        return deadLetter;
    }

    private FailedOperation failed(
            FailedOperation operation, TimerEntry entry, AttemptResult result, int attemptMade, Instant now) {
        FailedOperation next = shallowCopy(operation);
        ErrorKind kind = result.errorKind() == null ? ErrorKind.UNKNOWN : result.errorKind();
        next.setAttempt(attemptMade);
        next.setTotalAttempts(operation.getTotalAttempts() + 1);
        next.setLastFailureAt(now);
        next.setLastError(new ErrorInfo(
                kind, ErrorText.cap(result.message(), messageMaxChars), result.httpStatus(), result.retryable()));
        next.setHop(new TierPosition(entry.sourceTopic(), entry.sourcePartition(), entry.sourceOffset()));
        appendHistory(
                next,
                event(now, HistoryEvent.ATTEMPT_FAILED, attemptMade, kind, result.httpStatus(), result.message()));
        return next;
    }

    /**
     * Returns a copy that shares the field values of {@code operation}. The transitions replace
     * fields and never change a shared value in place, so they need no deep copy of the payload.
     */
    private static FailedOperation shallowCopy(FailedOperation operation) {
        FailedOperation copy = new FailedOperation();
        int fields = FailedOperation.getClassSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            copy.put(i, operation.get(i));
        }
        return copy;
    }

    private void markDeadLettered(FailedOperation deadLetter, DeadLetterReason reason, Instant now) {
        deadLetter.setDeadLetter(new DeadLetterInfo(reason, now, workerId));
    }

    private HistoryEntry event(
            Instant at, HistoryEvent kind, int attempt, ErrorKind errorKind, Integer httpStatus, String message) {
        return HistoryEntry.newBuilder()
                .setAt(at)
                .setEvent(kind)
                .setAttempt(attempt)
                .setErrorKind(errorKind)
                .setHttpStatus(httpStatus)
                .setMessage(ErrorText.cap(message, ErrorText.SHORT_MESSAGE_MAX_CHARS))
                .setReplayId(null)
                .build();
    }

    private void appendHistory(FailedOperation operation, HistoryEntry entry) {
        List<HistoryEntry> history = new ArrayList<>(operation.getHistory());
        history.add(entry);
        while (history.size() > historyMaxEntries) {
            history.remove(0);
        }
        operation.setHistory(history);
    }
}
