package io.retryladder.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.retryladder.dlq.internal.IntRange;
import io.retryladder.dlq.internal.TimeBound;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Filters that can never match are rejected as usage errors instead of selecting nothing. */
class FilterOptionsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void untilBeforeSinceIsRefused() {
        FilterOptions options = new FilterOptions();
        options.since = TimeBound.parse("2030-01-01");
        options.until = TimeBound.parse("2020-01-01");

        ToolException error = usageError(options);

        assertThat(error.getMessage()).contains("--until (2020-01-01T00:00:00Z)", "--since (2030-01-01T00:00:00Z)");
    }

    @Test
    void attemptZeroIsRefused() {
        FilterOptions options = new FilterOptions();
        options.attempts = IntRange.parse("0");

        ToolException error = usageError(options);

        assertThat(error.getMessage()).contains("--attempts 0", "give 1 or more");
    }

    @Test
    void emptyHostAndKeyAreRefused() {
        FilterOptions host = new FilterOptions();
        host.hosts = List.of("");
        FilterOptions key = new FilterOptions();
        key.keys = List.of(" ");

        assertThat(usageError(host).getMessage()).contains("--host was given an empty value");
        assertThat(usageError(key).getMessage()).contains("--key was given an empty value");
    }

    @Test
    void orderedBoundsAreAccepted() {
        FilterOptions options = new FilterOptions();
        options.since = TimeBound.parse("2020-01-01");
        options.until = TimeBound.parse("2030-01-01");
        options.attempts = IntRange.parse("0-4");

        assertThat(options.toFilter(CLOCK, Set.of())).isNotNull();
    }

    private static ToolException usageError(FilterOptions options) {
        ToolException error = catchThrowableOfType(() -> options.toFilter(CLOCK, Set.of()), ToolException.class);
        assertThat(error).isNotNull();
        assertThat(error.exitCode()).isEqualTo(ExitCodes.USAGE);
        return error;
    }
}
