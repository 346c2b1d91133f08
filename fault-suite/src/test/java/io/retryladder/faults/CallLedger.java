package io.retryladder.faults;

import io.retryladder.local.LoopbackDownstream.Behavior;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The downstream's record of every call and the response the scenario's script chose for it, by
 * idempotency key. A 2xx response is an effect. A response held for at least {@code lateAfter}
 * reaches a caller that has already timed out, so its effect is late.
 */
final class CallLedger implements Behavior {

    /**
     * One call and the response the script chose.
     *
     * @param arrivedAtMs when the call arrived, in epoch milliseconds
     * @param effect whether the response has a 2xx status and is sent
     * @param late whether the response is sent only after the caller's timeout
     */
    record Exchange(String key, int attempt, long arrivedAtMs, int status, boolean effect, boolean late) {}

    private final Behavior script;
    private final Duration lateAfter;
    private final Map<String, List<Exchange>> exchangesByKey = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    CallLedger(Behavior script, Duration lateAfter) {
        this.script = Objects.requireNonNull(script, "script");
        this.lateAfter = Objects.requireNonNull(lateAfter, "lateAfter");
    }

    @Override
    public Response respond(Call call) {
        Response response = script.respond(call);
        calls.incrementAndGet();
        if (call.idempotencyKey() == null) {
            return response;
        }
        boolean sent = !response.closeWithoutAnswer() && !response.neverAnswer();
        boolean effect = sent && response.status() / 100 == 2;
        boolean late = response.neverAnswer() || response.delay().compareTo(lateAfter) >= 0;
        Exchange exchange = new Exchange(
                call.idempotencyKey(), call.attempt(), call.arrivedAtMs(), response.status(), effect, late);
        List<Exchange> exchanges = exchangesByKey.computeIfAbsent(call.idempotencyKey(), key -> new ArrayList<>());
        synchronized (exchanges) {
            exchanges.add(exchange);
        }
        return response;
    }

    /** Returns the calls for {@code key} with their responses, in arrival order. */
    List<Exchange> exchanges(String key) {
        List<Exchange> exchanges = exchangesByKey.get(key);
        if (exchanges == null) {
            return List.of();
        }
        synchronized (exchanges) {
            List<Exchange> copy = new ArrayList<>(exchanges);
            copy.sort(Comparator.comparingLong(Exchange::arrivedAtMs));
            return copy;
        }
    }

    /** Returns whether {@code key} has an effect that reached the caller in time. */
    boolean succeeded(String key) {
        return exchanges(key).stream().anyMatch(exchange -> exchange.effect() && !exchange.late());
    }

    long calls() {
        return calls.get();
    }
}
