package io.retryladder.dlq;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The process resources a command uses: the environment variables, a clock, the terminal and the
 * stop signal. Tests and embedding programs pass their own.
 */
public record ToolContext(Map<String, String> environment, Clock clock, Terminal terminal, StopSignal stopSignal) {

    public ToolContext {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(terminal, "terminal");
        Objects.requireNonNull(stopSignal, "stopSignal");
    }

    /** Returns the context of this process: its environment, the system clock and its terminal. */
    public static ToolContext system() {
        return new ToolContext(System.getenv(), Clock.systemUTC(), Terminal.system(), new StopSignal());
    }
}
