package io.retryladder.run;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command-line options of the scripted downstream, shared by the local run and {@link
 * DownstreamMain}. The defaults are the local run's; {@link NoOutageDefaults} switches the outage off
 * for a command that serves the script as a long-running service.
 */
final class ScriptOptions {

    static final String FAILURE_RATE = "--failure-rate";
    static final String FAILURE_STATUS = "--failure-status";
    static final String LATENCY_MS = "--latency-ms";
    static final String OUTAGE_SECONDS = "--outage-seconds";
    static final String OUTAGE_START_SECONDS = "--outage-start-seconds";
    static final String NON_RETRYABLE_RATE = "--non-retryable-rate";

    /** Every option of this group, to reject them when no scripted downstream runs. */
    static final String[] NAMES = {
        FAILURE_RATE, FAILURE_STATUS, LATENCY_MS, OUTAGE_SECONDS, OUTAGE_START_SECONDS, NON_RETRYABLE_RATE
    };

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = FAILURE_RATE,
            paramLabel = "SHARE",
            defaultValue = "0.2",
            description = "Share of calls, from 0 to 1, that fail at random with --failure-status."
                    + " Default: ${DEFAULT-VALUE}.")
    double failureRate;

    @Option(
            names = FAILURE_STATUS,
            paramLabel = "STATUS",
            defaultValue = "500",
            description = "HTTP status of a random failure, 400 to 599. Workers slow down on 429 and 503,"
                    + " so those make a slow run. Default: ${DEFAULT-VALUE}.")
    int failureStatus;

    @Option(
            names = LATENCY_MS,
            paramLabel = "MS",
            defaultValue = "20",
            description = "Delay of every response, in milliseconds. Default: ${DEFAULT-VALUE}.")
    long latencyMs;

    @Option(
            names = OUTAGE_SECONDS,
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "Length of the outage, in seconds, during which every call gets a 503 response;"
                    + " 0 for no outage. Default: ${DEFAULT-VALUE}.")
    long outageSeconds;

    @Option(
            names = OUTAGE_START_SECONDS,
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "Start of the outage, in seconds after the load starts (run-local) or the service"
                    + " starts (DownstreamMain). Default: ${DEFAULT-VALUE}.")
    long outageStartSeconds;

    @Option(
            names = NON_RETRYABLE_RATE,
            paramLabel = "SHARE",
            defaultValue = "0.01",
            description = "Share of idempotency keys, from 0 to 1, that get a 422 response on every attempt"
                    + " that the outage or a random failure does not fail first. Default: ${DEFAULT-VALUE}.")
    double nonRetryableRate;

    /** Default values that switch the outage off, for {@code @Command(defaultValueProvider = ...)}. */
    static final class NoOutageDefaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argument) {
            if (argument instanceof OptionSpec option && OUTAGE_SECONDS.equals(option.longestName())) {
                return "0";
            }
            return null;
        }
    }

    /** Validates the options and returns the script they describe. */
    DownstreamScript script() {
        requireShare(FAILURE_RATE, failureRate);
        requireShare(NON_RETRYABLE_RATE, nonRetryableRate);
        if (failureStatus < 400 || failureStatus > 599) {
            throw invalid(FAILURE_STATUS + " must be an error status from 400 to 599, got " + failureStatus
                    + "; use 500 for a retryable failure that does not slow the workers down");
        }
        requireBetween(LATENCY_MS, latencyMs, 0, 60_000, "milliseconds");
        requireBetween(OUTAGE_SECONDS, outageSeconds, 0, 3_600, "seconds");
        requireBetween(OUTAGE_START_SECONDS, outageStartSeconds, 0, 3_600, "seconds");
        return new DownstreamScript(
                failureRate,
                failureStatus,
                Duration.ofMillis(latencyMs),
                Duration.ofSeconds(outageStartSeconds),
                Duration.ofSeconds(outageSeconds),
                nonRetryableRate);
    }

    private void requireShare(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw invalid(name + " must be a share between 0 and 1, got " + value + "; for 5% write 0.05");
        }
    }

    private void requireBetween(String name, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw invalid(name + " must be between " + min + " and " + max + " " + unit + ", got " + value);
        }
    }

    private ParameterException invalid(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
