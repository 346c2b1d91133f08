package io.retryladder.worker.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.retryladder.worker.StartupException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves {@code /health/live}, {@code /health/ready} and {@code /metrics} (Prometheus text format)
 * for Kubernetes probes and scrapers.
 */
public final class HealthServer implements AutoCloseable {

    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";
    public static final String METRICS_PATH = "/metrics";

    private final HttpServer server;

    public HealthServer(
            String host,
            int port,
            BooleanSupplier live,
            BooleanSupplier ready,
            Supplier<String> describe,
            PrometheusMeterRegistry registry) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new StartupException(
                    "Failed to listen on " + host + ":" + port + " for health and metrics;"
                            + " choose another port with retry.http.port",
                    e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "retry-worker-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext(LIVE_PATH, exchange -> answer(exchange, live.getAsBoolean(), describe.get()));
        server.createContext(READY_PATH, exchange -> answer(exchange, ready.getAsBoolean(), describe.get()));
        server.createContext(METRICS_PATH, exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            send(exchange, 200, body);
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, boolean healthy, String description) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        send(exchange, healthy ? 200 : 503, (description + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
