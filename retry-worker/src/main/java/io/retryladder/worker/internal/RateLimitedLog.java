package io.retryladder.worker.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a repeated warning at most once per interval, and says how many were left out in between.
 * Thread-safe.
 */
final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    void warn(String format, Object... arguments) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if (next != Long.MIN_VALUE && now < next) {
            suppressed.incrementAndGet();
            return;
        }
        if (!nextNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        if (left > 0) {
            log.warn(format + " ({} similar messages left out)", append(arguments, left));
        } else {
            log.warn(format, arguments);
        }
    }

    private static Object[] append(Object[] arguments, long value) {
        Object[] all = java.util.Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = value;
        return all;
    }
}
