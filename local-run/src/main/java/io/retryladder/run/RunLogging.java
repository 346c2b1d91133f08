package io.retryladder.run;

import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Sends the logs of the run to a file, so that they do not break the live view. */
final class RunLogging {

    /** The slf4j-simple property that names the log destination. */
    static final String LOG_FILE_PROPERTY = "org.slf4j.simpleLogger.logFile";

    private RunLogging() {}

    /**
     * Points slf4j-simple at {@code logFile}, unless {@value #LOG_FILE_PROPERTY} is already set. It
     * takes effect only when no logger was created before, which is true in {@code main} because
     * option parsing logs nothing. In a JVM that logged before, such as a test, logs stay where they were.
     */
    static void toFile(Path logFile) {
        if (System.getProperty(LOG_FILE_PROPERTY) == null) {
            System.setProperty(LOG_FILE_PROPERTY, logFile.toString());
        }
    }

    /** Logs the error that ended a run, with its stack trace. */
    static void logFailure(RuntimeException error) {
        LoggerFactory.getLogger(LocalRun.class).error("The local run failed", error);
    }
}
