package io.retryladder.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retryladder.local.LoopbackDownstream;
import io.retryladder.local.LoopbackDownstream.Call;
import io.retryladder.local.LoopbackDownstream.Response;
import io.retryladder.security.ChildJvm.Result;
import io.retryladder.worker.RetryWorkerMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secrets stay out of Kafka and out of output. The worker and a publishing service take their Kafka
 * security settings from a properties file and their secrets from environment variables: SCRAM and a
 * client certificate for the worker, SASL/PLAIN for the publisher, TLS for both. The publisher turns
 * the Authorization header into the reference {@value #REFERENCE} and drops the Cookie header; the
 * worker fills the Authorization value in from retry.secret.{@value #REFERENCE} at call time.
 */
@ExtendWith(SecuredKafkaExtension.class)
class SecretsIT {

    private static final String REFERENCE = "payments.token";
    /** Makes Kafka's clients log their configuration, which includes every security setting. */
    private static final String KAFKA_INFO_LOGS = "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info";

    @Test
    void secretsNeverWrittenOrPrinted(SecuredKafka kafka) throws Exception {
        String token = "Bearer tok-" + UUID.randomUUID();
        String cookie = "session=" + UUID.randomUUID();
        SecuredPipeline pipeline = new SecuredPipeline(kafka, "secrets");
        pipeline.createTopics();
        kafka.grant(Grants.worker(
                "User:" + SecuredKafka.WORKER,
                pipeline.applicationId,
                pipeline.tierTopics(),
                pipeline.deadLetterTopic()));
        kafka.grant(Grants.publisher(
                "User:" + SecuredKafka.PLAIN_PUBLISHER, pipeline.tierTopics().get(0)));
        Path workerConfig = pipeline.writeProperties("worker.properties", workerFileSettings(kafka, pipeline));
        Map<String, String> workerEnvironment = workerEnvironment(kafka, token);
        Map<String, String> secrets = secrets(kafka, token, cookie);

        Result printed = ChildJvm.run(
                RetryWorkerMain.class.getName(),
                List.of("--config", workerConfig.toString(), "--print-settings"),
                workerEnvironment,
                pipeline.dir.resolve("print-settings.txt"),
                Duration.ofSeconds(60));
        assertThat(printed.exitCode()).as("exit code of --print-settings").isZero();
        assertThat(printed.output())
                .contains("sasl.jaas.config=[hidden]")
                .contains("ssl.truststore.password=[hidden]")
                .contains("ssl.keystore.password=[hidden]")
                .contains("ssl.key.password=[hidden]")
                .contains("retry.secret." + REFERENCE + "=[hidden]");
        assertNoSecret("--print-settings output", printed.output(), secrets);

        try (LoopbackDownstream downstream = LoopbackDownstream.start(SecretsIT::answer);
                ChildJvm worker = ChildJvm.start(
                        RetryWorkerMain.class.getName(),
                        List.of(KAFKA_INFO_LOGS),
                        List.of("--config", workerConfig.toString()),
                        workerEnvironment,
                        pipeline.dir.resolve("worker.log"))) {
            assertThat(pipeline.awaitWorkerReady(worker, Duration.ofSeconds(90)))
                    .as("worker ready; its output:%n%s", worker.output())
                    .isTrue();

            Result published = ChildJvm.run(
                    PublishMain.class.getName(),
                    List.of(KAFKA_INFO_LOGS),
                    List.of(
                            pipeline.writeProperties("publisher.properties", publisherFileSettings(kafka, pipeline))
                                    .toString(),
                            downstream.baseUrl().toString(),
                            "paid",
                            "refused"),
                    publisherEnvironment(kafka, token, cookie),
                    pipeline.dir.resolve("publisher.log"),
                    Duration.ofSeconds(90));
            assertThat(published.exitCode())
                    .as("publisher exit code; output:%n%s", published.output())
                    .isZero();

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> downstream.effects("paid") == 1
                            && SecuredPipeline.names(pipeline.deadLetters()).contains("refused"));
            List<Call> calls = downstream.calls();
            assertThat(calls)
                    .extracting(Call::attempt)
                    .as("attempts the worker made")
                    .contains(2, 3);
            assertThat(calls)
                    .extracting(call -> call.header("Authorization"))
                    .as("Authorization the downstream received")
                    .containsOnly(token);
            assertThat(calls).extracting(call -> call.header("Cookie")).containsOnly((String) null);

            worker.close();
            assertNoSecret("worker log", worker.output(), secrets);
            assertThat(worker.output())
                    .as("Kafka's client configuration was logged")
                    .contains("sasl.jaas.config");
            assertNoSecret("publisher output", published.output(), secrets);
            assertThat(published.output())
                    .as("Kafka's producer configuration was logged")
                    .contains("sasl.jaas.config");
        }

        Map<String, String> needles = new LinkedHashMap<>(secrets);
        needles.put("secret reference", REFERENCE);
        TopicScan scan = TopicScan.of(kafka.adminProperties(), needles);
        assertThat(scan.topics())
                .as("topics read")
                .contains(pipeline.applicationId + "-timers-changelog")
                .contains(pipeline.applicationId + "-operations-changelog")
                .contains("__consumer_offsets", "__transaction_state")
                .containsAll(pipeline.tierTopics());
        assertThat(scan.records()).as("records read").isPositive();
        assertThat(scan.hits().get("secret reference"))
                .as("places of the reference, which travels in place of the value")
                .anyMatch(place -> place.startsWith(pipeline.deadLetterTopic()));
        assertThat(scan.hits()).as("secrets found in topics").containsOnlyKeys("secret reference");
    }

    private static Map<String, String> workerFileSettings(SecuredKafka kafka, SecuredPipeline pipeline) {
        Map<String, String> settings = new LinkedHashMap<>(pipeline.workerSettings());
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "SCRAM-SHA-512");
        settings.put(
                "ssl.truststore.location",
                String.valueOf(kafka.listener.trustSettings().get("ssl.truststore.location")));
        settings.put("ssl.truststore.type", "PKCS12");
        Map<String, Object> keyStore = kafka.listener.keyStoreSettings(SecuredKafka.WORKER);
        settings.put("ssl.keystore.location", String.valueOf(keyStore.get("ssl.keystore.location")));
        settings.put("ssl.keystore.type", "PKCS12");
        return settings;
    }

    private static Map<String, String> workerEnvironment(SecuredKafka kafka, String token) {
        Map<String, Object> keyStore = kafka.listener.keyStoreSettings(SecuredKafka.WORKER);
        return Map.of(
                "RETRY_WORKER_SASL_JAAS_CONFIG",
                String.valueOf(
                        kafka.listener.clientProperties(SecuredKafka.WORKER).get("sasl.jaas.config")),
                "RETRY_WORKER_SSL_TRUSTSTORE_PASSWORD",
                String.valueOf(kafka.listener.trustSettings().get("ssl.truststore.password")),
                "RETRY_WORKER_SSL_KEYSTORE_PASSWORD",
                String.valueOf(keyStore.get("ssl.keystore.password")),
                "RETRY_WORKER_SSL_KEY_PASSWORD",
                String.valueOf(keyStore.get("ssl.key.password")),
                "RETRY_WORKER_RETRY_SECRET_PAYMENTS_TOKEN",
                token);
    }

    private static Map<String, String> publisherFileSettings(SecuredKafka kafka, SecuredPipeline pipeline) {
        Map<String, String> settings = new LinkedHashMap<>(pipeline.ladderSettings());
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("retry.service.name", "payments-caller");
        settings.put("retry.secret.header.references", "Authorization=" + REFERENCE);
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put(
                "ssl.truststore.location",
                String.valueOf(kafka.listener.trustSettings().get("ssl.truststore.location")));
        settings.put("ssl.truststore.type", "PKCS12");
        return settings;
    }

    private static Map<String, String> publisherEnvironment(SecuredKafka kafka, String token, String cookie) {
        return Map.of(
                PublishMain.ENVIRONMENT_PREFIX + "SASL_JAAS_CONFIG",
                String.valueOf(kafka.listener
                        .plainClientProperties(SecuredKafka.PLAIN_PUBLISHER)
                        .get("sasl.jaas.config")),
                PublishMain.ENVIRONMENT_PREFIX + "SSL_TRUSTSTORE_PASSWORD",
                String.valueOf(kafka.listener.trustSettings().get("ssl.truststore.password")),
                PublishMain.TOKEN_VARIABLE,
                token,
                PublishMain.COOKIE_VARIABLE,
                cookie);
    }

    /** Returns every secret of this test by name: the header values, the passwords and the JAAS modules. */
    private static Map<String, String> secrets(SecuredKafka kafka, String token, String cookie) {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("Authorization value", token.substring("Bearer ".length()));
        secrets.put("Cookie value", cookie);
        for (String user : List.of(SecuredKafka.WORKER, SecuredKafka.PLAIN_PUBLISHER, kafka.listener.admin())) {
            secrets.put("password of " + user, kafka.listener.password(user));
        }
        secrets.put(
                "trust store password",
                String.valueOf(kafka.listener.trustSettings().get("ssl.truststore.password")));
        secrets.put(
                "key store password",
                String.valueOf(
                        kafka.listener.keyStoreSettings(SecuredKafka.WORKER).get("ssl.keystore.password")));
        secrets.put("SCRAM login line", "ScramLoginModule required");
        secrets.put("PLAIN login line", "PlainLoginModule required");
        return secrets;
    }

    private static void assertNoSecret(String source, String text, Map<String, String> secrets) {
        secrets.forEach((name, secret) ->
                assertThat(text).as("%s contains the %s", source, name).doesNotContain(secret));
    }

    /** "paid" fails at attempt 2 and succeeds at 3; "refused" gets 422 and is dead-lettered. */
    private static Response answer(Call call) {
        if ("refused".equals(call.idempotencyKey())) {
            return Response.status(422);
        }
        return call.attempt() >= 3 ? Response.ok() : Response.status(500);
    }
}
