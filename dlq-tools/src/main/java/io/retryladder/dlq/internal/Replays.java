package io.retryladder.dlq.internal;

import io.retryladder.envelope.ErrorText;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HistoryEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Builds the envelope a replay sends back into the ladder. */
public final class Replays {

    private static final Pattern REPLAY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Replays() {}

    /**
     * Returns a copy of a dead letter with a fresh attempt budget. Its attempt is 0, so the next call
     * is attempt 1 of maxAttempts. The replay count is raised, the replay id set and the dead-letter
     * info cleared. The failure and due times are {@code now}, and the history gains a REPLAYED
     * event. Everything else, the caller headers and the request bytes included, stays as it was.
     */
    public static FailedOperation replayed(FailedOperation deadLetter, String replayId, Instant now, String note) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        FailedOperation replayed = FailedOperation.newBuilder(deadLetter).build();
        replayed.setAttempt(0);
        replayed.setReplayCount(deadLetter.getReplayCount() + 1);
        replayed.setReplayId(replayId);
        replayed.setDeadLetter(null);
        replayed.setLastFailureAt(at);
        replayed.setDueAt(at);
        List<HistoryEntry> history = new ArrayList<>(replayed.getHistory());
        history.add(HistoryEntry.newBuilder()
                .setAt(at)
                .setEvent(HistoryEvent.REPLAYED)
                .setAttempt(deadLetter.getAttempt())
                .setErrorKind(null)
                .setHttpStatus(null)
                .setMessage(ErrorText.cap(note, ErrorText.SHORT_MESSAGE_MAX_CHARS))
                .setReplayId(replayId)
                .build());
        replayed.setHistory(history);
        return replayed;
    }

    /**
     * Checks a replay id given on the command line.
     *
     * @throws IllegalArgumentException naming the id and the rule
     */
    public static String requireValidId(String replayId) {
        if (!REPLAY_ID.matcher(replayId).matches()) {
            throw new IllegalArgumentException("Invalid replay id '" + replayId + "': use 1 to 64 letters, digits,"
                    + " '.', '_' or '-', because it becomes part of a transactional id and of record keys");
        }
        return replayId;
    }

    /** Returns a new replay id such as replay-20240501T101500Z-3fa2, readable and sortable by time. */
    public static String newId(Instant now) {
        String time =
                now.truncatedTo(ChronoUnit.SECONDS).toString().replace("-", "").replace(":", "");
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000) | 0x10000)
                .substring(1);
        return "replay-" + time + "-" + suffix;
    }
}
