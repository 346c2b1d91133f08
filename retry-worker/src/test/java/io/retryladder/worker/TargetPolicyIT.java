package io.retryladder.worker;

import static io.retryladder.worker.DueTimeSchedulingIT.awaitDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import io.retryladder.testing.KafkaCluster;
import io.retryladder.testing.KafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a tier record can make the worker call: only http and https URLs on the hosts of
 * retry.http.allowed.hosts, and redirects only to the same scheme, host and port. Anything else is
 * dead-lettered at once as TARGET_REJECTED with the reason: a rejected target gets no call, and a
 * redirect elsewhere is not followed.
 */
@ExtendWith(KafkaExtension.class)
class TargetPolicyIT {

    @Test
    void hostOutsideAllowListRejected(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream allowed = LoopbackDownstream.start(call -> Response.ok());
                LoopbackDownstream forbidden = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200").with("retry.http.allowed.hosts", "127.0.0.1")) {
            pipeline.startWorker();
            RetryPublisher publisher = pipeline.publisher();

            publish(publisher, "http://localhost:" + forbidden.port() + "/internal", "outside");
            publish(publisher, allowed.baseUrl() + "/pay", "inside");

            awaitDeadLetters(pipeline, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> allowed.effects("inside") == 1);
            FailedOperation deadLetter = onlyDeadLetter(pipeline, "outside");
            assertThat(deadLetter.getLastError().getKind()).isEqualTo(ErrorKind.TARGET_REJECTED);
            assertThat(deadLetter.getLastError().getRetryable()).isFalse();
            assertThat(deadLetter.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
            assertThat(deadLetter.getLastError().getMessage())
                    .contains("host localhost is not in retry.http.allowed.hosts");
            assertThat(deadLetter.getAttempt())
                    .as("attempts used by the rejection")
                    .isEqualTo(2);
            assertThat(forbidden.callCount())
                    .as("calls that reached the host outside the list")
                    .isZero();
        }
    }

    @Test
    void nonHttpSchemesRejected(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream downstream = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200");
                TierWriter writer = new TierWriter(kafka.clientProperties())) {
            pipeline.startWorker();
            Map<String, String> urls = Map.of(
                    "file-url", "file:///etc/passwd",
                    "ftp-url", "ftp://127.0.0.1:" + downstream.port() + "/x",
                    "jar-url", "jar:http://127.0.0.1:" + downstream.port() + "/x.jar!/");

            for (Map.Entry<String, String> url : urls.entrySet()) {
                writer.write(
                        pipeline.tier("300ms"),
                        TestOperations.http(url.getKey(), url.getValue()).build());
            }

            awaitDeadLetters(pipeline, urls.size());
            Map<String, FailedOperation> deadLetters = pipeline.deadLetterEnvelopes().stream()
                    .collect(Collectors.toMap(FailedOperation::getIdempotencyKey, Function.identity()));
            assertThat(deadLetters).containsOnlyKeys(urls.keySet());
            for (Map.Entry<String, FailedOperation> entry : deadLetters.entrySet()) {
                FailedOperation deadLetter = entry.getValue();
                String scheme = urls.get(entry.getKey())
                        .substring(0, urls.get(entry.getKey()).indexOf(':'));
                assertThat(deadLetter.getLastError().getKind())
                        .as("error kind of %s", entry.getKey())
                        .isEqualTo(ErrorKind.TARGET_REJECTED);
                assertThat(deadLetter.getDeadLetter().getReason())
                        .as("reason of %s", entry.getKey())
                        .isEqualTo(DeadLetterReason.NON_RETRYABLE);
                assertThat(deadLetter.getLastError().getMessage())
                        .as("message of %s", entry.getKey())
                        .contains("scheme '" + scheme + "' is not allowed");
            }
            for (ConsumerRecord<byte[], byte[]> record : pipeline.deadLetters()) {
                assertThat(PipelineHeaders.lastText(record.headers(), PipelineHeaders.ERROR_KIND))
                        .isEqualTo("TARGET_REJECTED");
            }
            assertThat(downstream.callCount())
                    .as("calls that reached the downstream")
                    .isZero();
        }
    }

    @Test
    void redirectToOtherHostNotFollowed(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream elsewhere = LoopbackDownstream.start(call -> Response.ok());
                LoopbackDownstream target = LoopbackDownstream.start(call ->
                        Response.status(302).withHeader("Location", "http://localhost:" + elsewhere.port() + "/x"));
                Pipeline pipeline =
                        new Pipeline(kafka, "300,600,1200").with("retry.http.allowed.hosts", "127.0.0.1,localhost")) {
            pipeline.startWorker();

            publish(pipeline.publisher(), target.baseUrl() + "/pay", "redirected-away");

            awaitDeadLetters(pipeline, 1);
            FailedOperation deadLetter = onlyDeadLetter(pipeline, "redirected-away");
            assertThat(deadLetter.getLastError().getKind()).isEqualTo(ErrorKind.TARGET_REJECTED);
            assertThat(deadLetter.getLastError().getHttpStatus()).isEqualTo(302);
            assertThat(deadLetter.getDeadLetter().getReason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
            assertThat(deadLetter.getLastError().getMessage())
                    .contains("redirect from 127.0.0.1 to localhost not followed");
            assertThat(target.callCount()).as("calls to the redirecting target").isEqualTo(1);
            assertThat(elsewhere.callCount())
                    .as("calls that followed the redirect")
                    .isZero();
        }
    }

    @Test
    void redirectToSameHostFollowed(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream target =
                        LoopbackDownstream.start(call -> call.path().startsWith("/old")
                                ? Response.status(307).withHeader("Location", "/new")
                                : Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200").with("retry.http.allowed.hosts", "127.0.0.1")) {
            pipeline.startWorker();

            publish(pipeline.publisher(), target.baseUrl() + "/old", "redirected-here");

            await().atMost(Duration.ofSeconds(30)).until(() -> target.effects("redirected-here") == 1);
            List<Call> calls = target.calls();
            assertThat(calls).extracting(Call::path).containsExactly("/old", "/new");
            assertThat(calls)
                    .extracting(Call::method)
                    .as("307 keeps the method")
                    .containsOnly("POST");
            assertThat(calls).extracting(Call::idempotencyKey).containsOnly("redirected-here");
            assertThat(calls)
                    .extracting(call -> call.header("Upgrade"))
                    .as("h2c upgrade requests")
                    .containsOnlyNulls();
            assertThat(pipeline.deadLetters()).isEmpty();
        }
    }

    @Test
    void cleartextCallsOfferNoUpgrade(KafkaCluster kafka) throws Exception {
        try (LoopbackDownstream target = LoopbackDownstream.start(call -> Response.ok());
                Pipeline pipeline = new Pipeline(kafka, "300,600,1200")) {
            pipeline.startWorker();

            publish(pipeline.publisher(), target.baseUrl() + "/charges", "cleartext");

            await().atMost(Duration.ofSeconds(30)).until(() -> target.effects("cleartext") == 1);
            Call call = target.calls().get(0);
            assertThat(call.header("Upgrade")).as("Upgrade header").isNull();
            assertThat(call.header("HTTP2-Settings"))
                    .as("HTTP2-Settings header")
                    .isNull();
            assertThat(call.header("Connection")).as("Connection header").isNull();
        }
    }

    private static void publish(RetryPublisher publisher, String url, String key) throws Exception {
        publisher
                .publish(Operation.http("POST", url).idempotencyKey(key).build(), Failure.httpStatus(503, "", null))
                .get(30, TimeUnit.SECONDS);
    }

    private static FailedOperation onlyDeadLetter(Pipeline pipeline, String key) throws Exception {
        List<FailedOperation> deadLetters = pipeline.deadLetterEnvelopes();
        assertThat(deadLetters).extracting(FailedOperation::getIdempotencyKey).containsExactly(key);
        return deadLetters.get(0);
    }
}
