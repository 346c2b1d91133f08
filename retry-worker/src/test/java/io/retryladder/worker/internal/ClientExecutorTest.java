package io.retryladder.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientExecutorTest {

    private final ClientExecutor executor = new ClientExecutor(1);

    @Test
    void startingTasksRunOnPool() throws Exception {
        CompletableFuture<String> thread = new CompletableFuture<>();

        executor.starting(() -> {
            executor.execute(() -> thread.complete(Thread.currentThread().getName()));
            return null;
        });

        assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("retry-worker-http-");
    }

    @Test
    void otherTasksRunInline() {
        String[] thread = new String[1];

        executor.execute(() -> thread[0] = Thread.currentThread().getName());

        assertThat(thread[0]).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void startingEndsAfterStart() {
        executor.starting(() -> null);
        String[] thread = new String[1];

        executor.execute(() -> thread[0] = Thread.currentThread().getName());

        assertThat(thread[0]).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void closeStopsPoolAfterQueuedTasks() throws Exception {
        CompletableFuture<String> ran = new CompletableFuture<>();
        executor.starting(() -> {
            executor.execute(() -> ran.complete("ran"));
            return null;
        });

        executor.close();

        assertThat(ran.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
        await().atMost(Duration.ofSeconds(5)).until(executor::isTerminated);
    }

    @Test
    void newClientUsesClientExecutor() {
        HttpClient client = HttpAttemptHandler.newClient(Duration.ofSeconds(1));

        assertThat(client.executor()).containsInstanceOf(ClientExecutor.class);
    }
}
