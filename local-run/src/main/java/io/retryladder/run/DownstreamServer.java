package io.retryladder.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server whose responses come from a {@link Responder}: the scripted sample downstream, or a
 * counting proxy in front of a real service. It counts calls, calls in flight and responses by status,
 * and records every 2xx response in an {@link EffectLedger} by the call's {@value #IDEMPOTENCY_KEY}
 * header before sending it.
 *
 * <p>{@code GET /health} gets a 200 response without reaching the responder or the counts.
 */
public final class DownstreamServer implements AutoCloseable {

    /** Header that carries the idempotency key of a call. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Header that carries the attempt number of a call: 1 for the first call, which the publisher makes. */
    public static final String ATTEMPT = "Retry-Attempt";
    /** Path of the health check, which always gets a 200 response and is not counted. */
    public static final String HEALTH_PATH = "/health";

    private static final Logger log = LoggerFactory.getLogger(DownstreamServer.class);
    private static final int BACKLOG = 1024;
    private static final int HANDLER_THREADS = 4;

    private final HttpServer server;
    private final ExecutorService handlerPool;
    private final Responder responder;
    private final String host;
    private final EffectLedger effects = new EffectLedger();
    private final LongAdder calls = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<Integer, LongAdder> responsesByStatus = new ConcurrentHashMap<>();

    private DownstreamServer(String host, int port, Responder responder) {
        this.host = Objects.requireNonNull(host, "host");
        this.responder = Objects.requireNonNull(responder, "responder");
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Failed to bind the downstream to " + host + ":" + port + "; pick another port or free this one",
                    e);
        }
        this.handlerPool = Executors.newFixedThreadPool(HANDLER_THREADS, daemonThreads("downstream-http"));
        server.setExecutor(handlerPool);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts a server on {@code host} and {@code port} (0 picks a free port) that responds with
     * {@code responder}.
     */
    public static DownstreamServer start(String host, int port, Responder responder) {
        return new DownstreamServer(host, port, responder);
    }

    /** Returns the base URL, for example {@code http://127.0.0.1:41234}, with the host it was bound to. */
    public URI baseUrl() {
        return URI.create("http://" + host + ":" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Responder responder() {
        return responder;
    }

    public EffectLedger effects() {
        return effects;
    }

    /** Returns the calls received so far, health checks excluded. */
    public long calls() {
        return calls.sum();
    }

    public int callsInFlight() {
        return inFlight.get();
    }

    /** Returns the number of responses sent so far, by HTTP status, in status order. */
    public Map<Integer, Long> responsesByStatus() {
        Map<Integer, Long> counts = new TreeMap<>();
        responsesByStatus.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    @Override
    public void close() {
        server.stop(0);
        handlerPool.shutdownNow();
        responder.close();
    }

    private void handle(HttpExchange exchange) {
        if (HEALTH_PATH.equals(exchange.getRequestURI().getPath())) {
            reply(exchange, new Response(200, Map.of(), "ok\n".getBytes(StandardCharsets.UTF_8)), null);
            return;
        }
        calls.increment();
        inFlight.incrementAndGet();
        Request request;
        try {
            request = readRequest(exchange);
        } catch (IOException e) {
            inFlight.decrementAndGet();
            log.debug("Failed to read a request from {}: {}", exchange.getRemoteAddress(), e.toString());
            exchange.close();
            return;
        }
        CompletableFuture<Response> reply;
        try {
            reply = responder.respond(request);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((response, error) -> {
            try {
                if (error != null) {
                    log.warn("The responder failed for key {}; responding 500", request.idempotencyKey(), error);
                    reply(exchange, Response.text(500, "The downstream failed: " + error), request);
                } else {
                    reply(exchange, response, request);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    /**
     * Sends {@code reply}, counting it first when it responds to a counted {@code request}; null for a
     * health check.
     */
    private void reply(HttpExchange exchange, Response reply, Request request) {
        String idempotencyKey = request == null ? null : request.idempotencyKey();
        try {
            reply.headers()
                    .forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
            if (request != null) {
                responsesByStatus
                        .computeIfAbsent(reply.status(), status -> new LongAdder())
                        .increment();
            }
            if (idempotencyKey != null && reply.status() / 100 == 2) {
                effects.record(idempotencyKey, request.attempt());
            }
            byte[] body = reply.body();
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            log.debug("The caller with key {} went away before the response: {}", idempotencyKey, e.toString());
        } finally {
            exchange.close();
        }
    }

    private static Request readRequest(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        return new Request(
                exchange.getRequestMethod(),
                exchange.getRequestURI(),
                Map.copyOf(exchange.getRequestHeaders()),
                body,
                exchange.getRequestHeaders().getFirst(IDEMPOTENCY_KEY),
                parseAttempt(exchange.getRequestHeaders().getFirst(ATTEMPT)));
    }

    private static int parseAttempt(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static ThreadFactory daemonThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Decides the response to each call; it runs on a server thread, so it must be thread-safe and not block. */
    public interface Responder extends AutoCloseable {

        CompletableFuture<Response> respond(Request request);

        /** Releases threads or clients the responder holds. */
        @Override
        default void close() {}
    }

    /**
     * One call as the server received it.
     *
     * @param uri the request target: path and query
     * @param headers request headers; the JDK server capitalizes the first letter of each name
     * @param idempotencyKey the {@value #IDEMPOTENCY_KEY} header, or null when absent
     * @param attempt the {@value #ATTEMPT} header, or 0 when absent or not a number
     */
    public record Request(
            String method,
            URI uri,
            Map<String, List<String>> headers,
            byte[] body,
            String idempotencyKey,
            int attempt) {}

    /** A response to one call. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {

        public Response {
            headers = Map.copyOf(headers);
            body = body == null ? new byte[0] : body;
        }

        /** Returns a response with a plain-text body. */
        public static Response text(int status, String text) {
            return new Response(
                    status,
                    Map.of("Content-Type", List.of("text/plain; charset=utf-8")),
                    text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
