package io.retryladder.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.DeadLetterInfo;
import io.retryladder.envelope.avro.DeadLetterReason;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.testing.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * dlq-tools, run from its shaded jar as operators run it, takes its Kafka security settings from a
 * --command-config file and from DLQ_TOOLS_ environment variables, prints no secret, and fails a
 * replay cleanly for a principal that may not write the tier topic.
 */
@ExtendWith(SecuredKafkaExtension.class)
class DlqToolsSecurityIT {

    private static final String OPERATOR = "User:" + SecuredKafka.OPERATOR;

    @Test
    void configHidesSecrets(SecuredKafka kafka) {
        SecuredPipeline pipeline = new SecuredPipeline(kafka, "dlq-config");
        Map<String, String> commandConfig = commandConfig(kafka);
        commandConfig.put("sasl.jaas.config", jaas(kafka));
        commandConfig.putAll(strings(kafka.listener.keyStoreSettings(SecuredKafka.OPERATOR)));
        Map<String, String> environment = Map.of(
                "DLQ_TOOLS_SSL_TRUSTSTORE_PASSWORD",
                String.valueOf(kafka.listener.trustSettings().get("ssl.truststore.password")),
                "DLQ_TOOLS_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
                "registry-user:registry-secret-42");

        ChildJvm.Result result = dlqTools(
                pipeline,
                "config.txt",
                environment,
                "config",
                "--bootstrap-server",
                kafka.bootstrapServers(),
                "--command-config",
                pipeline.writeProperties("command.properties", commandConfig).toString());

        assertThat(result.exitCode())
                .as("exit code; output:%n%s", result.output())
                .isZero();
        assertThat(result.output()).contains("sasl.jaas.config").contains("ssl.keystore.password");
        Map<String, String> secrets = Map.of(
                "operator password", kafka.listener.password(SecuredKafka.OPERATOR),
                "SCRAM login line", "ScramLoginModule required",
                "trust store password",
                        String.valueOf(kafka.listener.trustSettings().get("ssl.truststore.password")),
                "key store password", commandConfig.get("ssl.keystore.password"),
                "registry password", "registry-secret-42");
        secrets.forEach((name, secret) -> assertThat(result.output())
                .as("config output contains the %s", name)
                .doesNotContain(secret));
    }

    @Test
    void replayWithoutTierWriteLeavesNothing(SecuredKafka kafka) throws Exception {
        SecuredPipeline pipeline = new SecuredPipeline(kafka, "dlq-replay");
        pipeline.createTopics();
        String tier = pipeline.tierTopics().get(0);
        String markers = pipeline.deadLetterTopic() + "-replays";
        String resolved = pipeline.deadLetterTopic() + "-resolved";
        kafka.createTopic(markers, 1, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(resolved, 1, Map.of("cleanup.policy", "compact"));
        writeDeadLetters(kafka, pipeline, 3);
        kafka.grant(replayGrantWithoutTierWrite(pipeline, markers, resolved));

        ChildJvm.Result result = dlqTools(
                pipeline,
                "replay.txt",
                Map.of("DLQ_TOOLS_SASL_JAAS_CONFIG", jaas(kafka)),
                "replay",
                "--all",
                "--yes",
                "--no-state-check",
                "--replay-id",
                "denied-1",
                "--bootstrap-server",
                kafka.bootstrapServers(),
                "--topic-prefix",
                pipeline.prefix,
                "--dead-letter-topic",
                pipeline.deadLetterTopic(),
                "--tier-delays-ms",
                "300,600,1200",
                "--command-config",
                pipeline.writeProperties("command.properties", commandConfig(kafka))
                        .toString());

        assertThat(result.exitCode())
                .as("exit code; output:%n%s", result.output())
                .isEqualTo(1);
        assertThat(result.output())
                .as("the failure names the topic and the missing authorization")
                .contains("not authorized for topic " + tier);
        assertThat(Topics.readAll(kafka.adminProperties(), tier, Duration.ofSeconds(30)))
                .as("replayed records visible to read_committed readers of %s", tier)
                .isEmpty();
        assertThat(Topics.readAll(kafka.adminProperties(), markers, Duration.ofSeconds(30)))
                .as("replay markers visible to read_committed readers")
                .isEmpty();
        assertThat(result.output()).doesNotContain(kafka.listener.password(SecuredKafka.OPERATOR));
    }

    /** Returns the replay grant of docs/dlq-tools.md without WRITE on the tier topics. */
    private static List<AclBinding> replayGrantWithoutTierWrite(
            SecuredPipeline pipeline, String markers, String resolved) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(Grants.allow(
                OPERATOR, ResourceType.TOPIC, pipeline.deadLetterTopic(), PatternType.LITERAL, AclOperation.READ));
        acls.add(Grants.allow(OPERATOR, ResourceType.TOPIC, markers, PatternType.LITERAL, AclOperation.READ));
        acls.add(Grants.allow(OPERATOR, ResourceType.TOPIC, markers, PatternType.LITERAL, AclOperation.WRITE));
        acls.add(Grants.allow(OPERATOR, ResourceType.TOPIC, resolved, PatternType.LITERAL, AclOperation.READ));
        for (String tier : pipeline.tierTopics()) {
            acls.add(Grants.allow(OPERATOR, ResourceType.TOPIC, tier, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        acls.add(Grants.allow(
                OPERATOR,
                ResourceType.TRANSACTIONAL_ID,
                "dlq-tools-replay-",
                PatternType.PREFIXED,
                AclOperation.WRITE));
        return acls;
    }

    private static void writeDeadLetters(SecuredKafka kafka, SecuredPipeline pipeline, int count) throws Exception {
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(kafka.adminProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String key = "dead-" + i;
                FailedOperation envelope = TestOperations.http(key, "http://127.0.0.1:9/" + key)
                        .setAttempt(4)
                        .setDeadLetter(new DeadLetterInfo(DeadLetterReason.ATTEMPTS_EXHAUSTED, now, "secure-worker"))
                        .build();
                producer.send(new ProducerRecord<>(
                                pipeline.deadLetterTopic(),
                                null,
                                key.getBytes(StandardCharsets.UTF_8),
                                codec.encode(pipeline.deadLetterTopic(), envelope),
                                PipelineHeaders.forEnvelope(envelope)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Returns the operator's Kafka client settings without the JAAS line, which the tests pass apart. */
    private static Map<String, String> commandConfig(SecuredKafka kafka) {
        Map<String, String> settings = strings(kafka.listener.clientProperties(SecuredKafka.OPERATOR));
        settings.remove("sasl.jaas.config");
        return settings;
    }

    private static String jaas(SecuredKafka kafka) {
        return String.valueOf(
                kafka.listener.clientProperties(SecuredKafka.OPERATOR).get("sasl.jaas.config"));
    }

    private static Map<String, String> strings(Map<String, Object> settings) {
        Map<String, String> strings = new LinkedHashMap<>();
        settings.forEach((name, value) -> strings.put(name, String.valueOf(value)));
        return strings;
    }

    private static ChildJvm.Result dlqTools(
            SecuredPipeline pipeline, String logName, Map<String, String> environment, String... args) {
        Path jar = Path.of(System.getProperty("dlq.tools.jar", "../dlq-tools/target/dlq-tools-0.1.0-SNAPSHOT-all.jar"));
        assertThat(jar)
                .as("the dlq-tools jar; build it with: mvn -B -pl dlq-tools -am package -DskipTests")
                .exists();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = pipeline.dir.resolve(logName);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new ChildJvm.Result(null, Files.readString(log));
            }
            return new ChildJvm.Result(process.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running dlq-tools", e);
        }
    }
}
