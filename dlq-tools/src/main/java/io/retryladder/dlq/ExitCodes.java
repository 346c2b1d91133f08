package io.retryladder.dlq;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of every dlq-tools command. */
public final class ExitCodes {

    public static final int SUCCESS = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int PARTIAL = 3;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}

    /** Returns the exit codes with their meaning, in the form picocli prints under "Exit codes". */
    static Map<String, String> descriptions() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(SUCCESS), "Success.");
        codes.put(
                Integer.toString(FAILURE),
                "Failure: the command could not finish, for example because Kafka or the registry refused a"
                        + " request. A replay leaves no half-written transaction behind.");
        codes.put(Integer.toString(USAGE), "Usage error: invalid option, argument or setting.");
        codes.put(
                Integer.toString(PARTIAL),
                "Partially done: some selected entries were rejected (replay cap, unreadable, not found).");
        codes.put(
                Integer.toString(INTERRUPTED),
                "Interrupted by Ctrl-C before the end (SIGTERM ends the JVM with 143); replay commits nothing"
                        + " half-done and resumes when run again with the same --replay-id.");
        return codes;
    }
}
