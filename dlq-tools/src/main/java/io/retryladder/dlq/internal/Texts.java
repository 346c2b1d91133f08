package io.retryladder.dlq.internal;

import io.retryladder.envelope.avro.ErrorInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.stream.Collectors;

/** Short renderings of values for tables and summaries. */
public final class Texts {

    private Texts() {}

    /** Returns an instant in UTC to the second, such as 2024-05-01T10:00:00Z, or "-". */
    public static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Returns the error kind, with the HTTP status when there is one: "HTTP_STATUS 503". */
    public static String error(ErrorInfo error) {
        return error.getHttpStatus() == null
                ? error.getKind().name()
                : error.getKind().name() + " " + error.getHttpStatus();
    }

    /** Returns up to {@code max} items joined by commas, followed by "and N more" when there are more. */
    public static String firstOf(Collection<?> items, int max) {
        String shown = items.stream().limit(max).map(Object::toString).collect(Collectors.joining(", "));
        return items.size() > max ? shown + " and " + (items.size() - max) + " more" : shown;
    }

    /** Returns "1 dead letter" or "N dead letters". */
    public static String deadLetters(long count) {
        return count + (count == 1 ? " dead letter" : " dead letters");
    }
}
