package io.retryladder.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.config.StatusRanges;
import io.retryladder.local.LocalCertificateAuthority;
import io.retryladder.local.LocalCertificateAuthority.KeyStoreFile;
import io.retryladder.worker.AttemptResult;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls over TLS through a client on a {@link ClientExecutor}. */
class HttpsAttemptTest {

    private static final int CALLS = 200;

    @Test
    void concurrentHttpsCallsSucceed(@TempDir Path dir) throws Exception {
        LocalCertificateAuthority authority = LocalCertificateAuthority.create(dir, "Retry Ladder test CA");
        AtomicInteger served = new AtomicInteger();
        ExecutorService serverThreads = Executors.newFixedThreadPool(4);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(authority.issue("localhost"))));
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(clientContext(authority.truststore()))
                    .executor(new ClientExecutor(2))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            HttpAttemptHandler handler = new HttpAttemptHandler(
                    client,
                    StatusRanges.parse("retryable statuses", List.of("502-504")),
                    Duration.ofSeconds(10),
                    new HostAllowList(List.of()),
                    3,
                    reference -> null,
                    Clock.systemUTC());
            String url = "https://localhost:" + server.getAddress().getPort() + "/charges";

            List<CompletableFuture<AttemptResult>> results = new ArrayList<>();
            for (int index = 0; index < CALLS; index++) {
                results.add(handler.attempt(
                        TestOperations.http("tls-" + index, url).build(), 2, System.currentTimeMillis()));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            for (CompletableFuture<AttemptResult> result : results) {
                assertThat(result.join().succeeded())
                        .as(result.join().toString())
                        .isTrue();
            }
            assertThat(served).hasValue(CALLS);
        } finally {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    private static SSLContext serverContext(KeyStoreFile keys) throws Exception {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(load(keys), keys.password().toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    private static SSLContext clientContext(KeyStoreFile trusted) throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(load(trusted));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(KeyStoreFile file) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStoreFile.TYPE);
        try (InputStream in = Files.newInputStream(file.path())) {
            store.load(in, file.password().toCharArray());
        }
        return store;
    }
}
