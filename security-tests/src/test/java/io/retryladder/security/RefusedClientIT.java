package io.retryladder.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients without valid credentials get nothing from the broker, on the client listener and on the
 * controller listener, and an authenticated user gets only what an ACL allows.
 */
@ExtendWith(SecuredKafkaExtension.class)
class RefusedClientIT {

    @Test
    void plaintextClientRejected(SecuredKafka kafka) {
        Map<String, Object> settings = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());

        assertThatThrownBy(() -> listTopics(settings)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void tlsWithoutSaslRejected(SecuredKafka kafka) {
        Map<String, Object> settings = new HashMap<>(kafka.listener.trustSettings());
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SSL");

        assertThatThrownBy(() -> listTopics(settings)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void wrongPasswordRejected(SecuredKafka kafka) {
        Map<String, Object> settings = kafka.clientProperties(SecuredKafka.STRANGER);
        settings.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"stranger\""
                        + " password=\"not-the-password\";");

        assertThatThrownBy(() -> listTopics(settings))
                .hasCauseInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("invalid credentials");
    }

    @Test
    void untrustedBrokerCertificateRejected(SecuredKafka kafka) {
        Map<String, Object> settings = kafka.clientProperties(SecuredKafka.STRANGER);
        settings.keySet().removeIf(name -> name.startsWith("ssl.truststore"));

        assertThatThrownBy(() -> listTopics(settings)).hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void controllerListenerRejectsClientWithoutCertificate(SecuredKafka kafka) throws IOException {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, "127.0.0.1:" + controllerPort(kafka));
        Map<String, Object> withTrust = new HashMap<>(settings);
        withTrust.putAll(kafka.listener.trustSettings());
        withTrust.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SSL");

        assertThatThrownBy(() -> listTopics(settings)).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> listTopics(withTrust)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void userWithoutAclRejected(SecuredKafka kafka) throws Exception {
        String topic = "refused-" + System.nanoTime();
        kafka.createTopic(topic, 1, Map.of());
        Map<String, Object> settings = kafka.clientProperties(SecuredKafka.STRANGER);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);

        assertThat(listTopics(settings)).as("topics the user may see").doesNotContain(topic);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, new byte[] {1}))
                            .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static List<String> listTopics(Map<String, Object> settings) throws Exception {
        Map<String, Object> bounded = new HashMap<>(settings);
        bounded.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        bounded.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6_000);
        bounded.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(bounded)) {
            return List.copyOf(admin.listTopics().names().get(20, TimeUnit.SECONDS));
        }
    }

    /** Reads the controller port that LocalKafka recorded in its data directory. */
    private static int controllerPort(SecuredKafka kafka) throws IOException {
        Properties ports = new Properties();
        try (InputStream in =
                Files.newInputStream(kafka.dir.resolve("broker").resolve("local-kafka-ports.properties"))) {
            ports.load(in);
        }
        return Integer.parseInt(ports.getProperty("controller.port"));
    }
}
