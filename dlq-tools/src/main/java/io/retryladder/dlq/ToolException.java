package io.retryladder.dlq;

/** A failure that the command reports as one line and an exit code, without a stack trace. */
public class ToolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public ToolException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ToolException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Returns a failure with exit code {@value ExitCodes#FAILURE}. */
    public static ToolException failure(String message, Throwable cause) {
        return new ToolException(ExitCodes.FAILURE, message, cause);
    }

    /** Returns a usage error with exit code {@value ExitCodes#USAGE}. */
    public static ToolException usage(String message) {
        return new ToolException(ExitCodes.USAGE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
