package io.retryladder.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.run.DownstreamServer.Request;
import io.retryladder.run.DownstreamServer.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DownstreamServerTest {

    /** Attempt number of the last call made for each key. */
    private final Map<String, Integer> attempts = new HashMap<>();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void scriptedServerCountsEffectsByKey() throws Exception {
        try (DownstreamServer server = scripted(DownstreamScript.alwaysSucceeds())) {
            assertThat(post(server.baseUrl(), "/orders", "a").statusCode()).isEqualTo(200);
            assertThat(post(server.baseUrl(), "/orders", "b").statusCode()).isEqualTo(200);
            assertThat(post(server.baseUrl(), "/orders", "b").statusCode()).isEqualTo(200);

            assertThat(server.effects().effects("a")).isEqualTo(1);
            assertThat(server.effects().effects("b")).isEqualTo(2);
            assertThat(server.effects().effects("c")).isZero();
            assertThat(server.effects().keysWithDuplicateEffects()).containsExactly("b");
            assertThat(server.effects().attemptsWithEffect("b")).containsExactly(1, 2);
            assertThat(server.effects().keysWithEffects()).isEqualTo(2);
            assertThat(server.calls()).isEqualTo(3);
            assertThat(server.responsesByStatus()).isEqualTo(Map.of(200, 3L));
        }
    }

    @Test
    void errorResponsesAreNoEffects() throws Exception {
        DownstreamScript nonRetryable = new DownstreamScript(0, 500, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1);
        try (DownstreamServer server = scripted(nonRetryable)) {
            HttpResponse<String> response = post(server.baseUrl(), "/orders", "k");

            assertThat(response.statusCode()).isEqualTo(422);
            assertThat(response.body()).isEqualTo("non retryable key\n");
            assertThat(server.effects().effects("k")).isZero();
            assertThat(server.responsesByStatus()).isEqualTo(Map.of(422, 1L));
        }
    }

    @Test
    void outageCountsFromRunStart() throws Exception {
        MutableClock clock = new MutableClock();
        DownstreamScript outage =
                new DownstreamScript(0, 500, Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(5), 0);
        ScriptedResponder responder = new ScriptedResponder(outage, clock, () -> 0.5);
        try (DownstreamServer server = DownstreamServer.start("127.0.0.1", 0, responder)) {
            clock.advance(Duration.ofSeconds(12));
            assertThat(post(server.baseUrl(), "/", "k1").statusCode()).isEqualTo(503);
            assertThat(responder.inOutage()).isTrue();

            responder.startRun();
            assertThat(post(server.baseUrl(), "/", "k2").statusCode()).isEqualTo(200);

            clock.advance(Duration.ofSeconds(10));
            assertThat(post(server.baseUrl(), "/", "k3").statusCode()).isEqualTo(503);
            clock.advance(Duration.ofSeconds(5));
            assertThat(post(server.baseUrl(), "/", "k4").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void latencyDelaysTheResponse() throws Exception {
        DownstreamScript slow = new DownstreamScript(0, 500, Duration.ofMillis(300), Duration.ZERO, Duration.ZERO, 0);
        try (DownstreamServer server = scripted(slow)) {
            long startNanos = System.nanoTime();
            assertThat(post(server.baseUrl(), "/", "k").statusCode()).isEqualTo(200);

            assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void healthCheckIsNotCounted() throws Exception {
        try (DownstreamServer server = scripted(DownstreamScript.alwaysSucceeds())) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(server.baseUrl().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(server.calls()).isZero();
            assertThat(server.responsesByStatus()).isEmpty();
        }
    }

    @Test
    void proxyForwardsCallsAndCountsEffects() throws Exception {
        List<Request> received = new CopyOnWriteArrayList<>();
        DownstreamServer.Responder recording = request -> {
            received.add(request);
            return CompletableFuture.completedFuture(
                    new Response(201, Map.of("X-Order", List.of("created")), "done".getBytes()));
        };
        try (DownstreamServer service = DownstreamServer.start("127.0.0.1", 0, recording);
                DownstreamServer proxy = DownstreamServer.start(
                        "127.0.0.1",
                        0,
                        new ForwardingResponder(service.baseUrl().resolve("/api"), Duration.ofSeconds(5)))) {
            HttpResponse<String> response = post(proxy.baseUrl(), "/orders?region=eu", "k1");

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.body()).isEqualTo("done");
            assertThat(response.headers().firstValue("X-Order")).contains("created");
            assertThat(proxy.effects().effects("k1")).isEqualTo(1);
            assertThat(received).hasSize(1);
            Request forwarded = received.get(0);
            assertThat(forwarded.method()).isEqualTo("POST");
            assertThat(forwarded.uri().toString()).isEqualTo("/api/orders?region=eu");
            assertThat(forwarded.idempotencyKey()).isEqualTo("k1");
            assertThat(forwarded.attempt()).isEqualTo(1);
            assertThat(new String(forwarded.body())).isEqualTo("{\"order\":\"k1\"}");
        }
    }

    @Test
    void proxyReturns502WhenServiceUnreachable() throws Exception {
        int closedPort;
        try (DownstreamServer gone = scripted(DownstreamScript.alwaysSucceeds())) {
            closedPort = gone.port();
        }
        URI target = URI.create("http://127.0.0.1:" + closedPort);
        try (DownstreamServer proxy =
                DownstreamServer.start("127.0.0.1", 0, new ForwardingResponder(target, Duration.ofSeconds(2)))) {
            HttpResponse<String> response = post(proxy.baseUrl(), "/orders", "k1");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).startsWith("No response from " + target);
            assertThat(proxy.effects().effects("k1")).isZero();
        }
    }

    private DownstreamServer scripted(DownstreamScript script) {
        return DownstreamServer.start("127.0.0.1", 0, new ScriptedResponder(script, Clock.systemUTC()));
    }

    private HttpResponse<String> post(URI base, String path, String key) throws IOException, InterruptedException {
        int attempt = attempts.merge(key, 1, Integer::sum);
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Idempotency-Key", key)
                .header("Retry-Attempt", Integer.toString(attempt))
                .POST(HttpRequest.BodyPublishers.ofString("{\"order\":\"" + key + "\"}"))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A clock that moves only when the test advances it. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
