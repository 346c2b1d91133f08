package io.retryladder.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Parses the {@code --tier-delays-ms} option. */
final class TierDelays {

    private TierDelays() {}

    /**
     * Parses a comma-separated list of delays in milliseconds, shortest first.
     *
     * @param invalid makes the exception to throw from an error message
     */
    static List<Duration> parse(String value, Function<String, RuntimeException> invalid) {
        String rule = "--tier-delays-ms must list whole milliseconds greater than 0, shortest first, such as"
                + " 1000,4000,16000; got '" + value + "'";
        List<Duration> delays = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            long millis;
            try {
                millis = Long.parseLong(part.strip());
            } catch (NumberFormatException e) {
                throw invalid.apply(rule);
            }
            if (millis <= 0 || millis > Duration.ofDays(1).toMillis()) {
                throw invalid.apply(rule + " (each delay from 1 ms to one day)");
            }
            Duration delay = Duration.ofMillis(millis);
            if (!delays.isEmpty() && delay.compareTo(delays.get(delays.size() - 1)) < 0) {
                throw invalid.apply(rule);
            }
            delays.add(delay);
        }
        return delays;
    }
}
