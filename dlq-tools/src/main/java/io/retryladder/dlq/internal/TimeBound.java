package io.retryladder.dlq.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time given on the command line: an ISO-8601 instant ({@code 2024-05-01T10:00:00Z}), a
 * date and time with an offset ({@code 2024-05-01T12:00:00+02:00}), a date ({@code 2024-05-01},
 * midnight UTC), or a duration before now ({@code 90s}, {@code 30m}, {@code 2h}, {@code 7d},
 * {@code PT2H}).
 */
public final class TimeBound {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d|w)");

    private final Instant instant;
    private final Duration ago;
    private final String text;

    private TimeBound(Instant instant, Duration ago, String text) {
        this.instant = instant;
        this.ago = ago;
        this.text = text;
    }

    /**
     * Parses a time bound.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static TimeBound parse(String text) {
        String value = text == null ? "" : text.strip();
        Matcher matcher = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            return new TimeBound(null, shortDuration(Long.parseLong(matcher.group(1)), matcher.group(2)), value);
        }
        try {
            if (value.startsWith("P") || value.startsWith("p")) {
                Duration duration = Duration.parse(value);
                if (duration.isNegative()) {
                    throw invalid(text);
                }
                return new TimeBound(null, duration, value);
            }
            if (value.length() == 10) {
                return new TimeBound(LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC), null, value);
            }
            if (value.endsWith("Z") || value.endsWith("z")) {
                return new TimeBound(Instant.parse(value.toUpperCase(Locale.ROOT)), null, value);
            }
            return new TimeBound(OffsetDateTime.parse(value).toInstant(), null, value);
        } catch (DateTimeParseException e) {
            throw invalid(text);
        }
    }

    /** Returns the instant this bound stands for when the command runs at {@code clock}'s now. */
    public Instant resolve(Clock clock) {
        return instant != null ? instant : clock.instant().minus(ago);
    }

    @Override
    public String toString() {
        return text;
    }

    private static Duration shortDuration(long amount, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofDays(7 * amount);
        };
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("Invalid time '" + text + "': expected an ISO-8601 instant such as"
                + " 2024-05-01T10:00:00Z, a date such as 2024-05-01 (UTC), or a duration before now such as 2h,"
                + " 30m, 7d or PT2H");
    }
}
