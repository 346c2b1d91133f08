package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A live worker whose transaction aborts makes no call a second time. The broker fences the workers'
 * transactional producers while calls finish, which aborts the open transactions as a rebalance
 * longer than transaction.timeout.ms or a broker failover does. The outcomes applied in an aborted
 * transaction reach the task's next owner, on this worker or the other one.
 */
@ExtendWith(KafkaExtension.class)
class AbortedTransactionIT {

    private static final int OPERATIONS = 400;
    private static final int FENCES = 6;

    @Test
    void abortedTransactionsRepeatNoCall(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok()
                        .after(Duration.ofMillis(ThreadLocalRandom.current().nextInt(20, 400))));
                Pipeline pipeline = new Pipeline(kafka, "200,400,800").with("retry.topics.partitions", "4");
                Admin admin = Admin.create(new HashMap<>(kafka.clientProperties()))) {
            pipeline.startWorker();
            pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();

            List<CompletableFuture<?>> published = new ArrayList<>();
            int fenced = 0;
            for (int i = 0; i < OPERATIONS; i++) {
                Operation operation = Operation.http("POST", downstream.baseUrl() + "/pay")
                        .idempotencyKey("aborted-" + i)
                        .build();
                published.add(publisher.publish(operation, Failure.httpStatus(503, "", null)));
                Thread.sleep(15);
                if (i % (OPERATIONS / FENCES) == OPERATIONS / FENCES - 1) {
                    fenced += fenceWorkers(admin, pipeline.applicationId);
                }
            }
            CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(fenced).as("transactional producers fenced").isPositive();

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> downstream.keysWithEffects() == OPERATIONS);
            // Outcomes that went missing would be called again after the handover wait.
            Thread.sleep(15_000);
            Map<String, List<Long>> calls = new HashMap<>();
            for (Call call : downstream.calls()) {
                calls.computeIfAbsent(call.idempotencyKey() + " attempt " + call.attempt(), key -> new ArrayList<>())
                        .add(call.arrivedAtMs());
            }
            List<String> repeated = calls.entrySet().stream()
                    .filter(entry -> entry.getValue().size() > 1)
                    .map(entry -> entry.getKey() + " (calls at " + entry.getValue() + ")")
                    .sorted()
                    .toList();
            assertThat(repeated).as("calls made more than once").isEmpty();
            assertThat(downstream.keysWithDuplicateEffects()).isEmpty();
            assertThat(pipeline.deadLetters()).isEmpty();
        }
    }

    /** Fences every open transaction of the application's producers; returns how many it fenced. */
    private static int fenceWorkers(Admin admin, String applicationId) throws Exception {
        List<String> ids = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                .map(TransactionListing::transactionalId)
                .filter(id -> id.startsWith(applicationId + "-"))
                .toList();
        if (!ids.isEmpty()) {
            admin.fenceProducers(ids).all().get(10, TimeUnit.SECONDS);
        }
        return ids.size();
    }
}
