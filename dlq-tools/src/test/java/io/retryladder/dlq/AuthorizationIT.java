package io.retryladder.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.local.ListenerSecurity;
import io.retryladder.local.LocalKafka;
import io.retryladder.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * replay as a principal that may not write to the tier topic, on a broker of its own with SASL/PLAIN
 * and ACLs. The command fails with one line that names the topic. It leaves no replayed record and
 * no marker behind.
 */
class AuthorizationIT {

    private static final String OPERATOR = "User:operator";
    private static final String PREFIX = "auth-";
    private static final String TIER = PREFIX + "1s";
    private static final String DEAD_LETTERS = PREFIX + "dlq";
    private static final String MARKERS = DEAD_LETTERS + "-replays";
    private static final String RESOLVED = DEAD_LETTERS + "-resolved";
    private static final String CHANGELOG = "auth-worker-operations-changelog";

    private static LocalKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        kafka = LocalKafka.builder().security(new SaslPlain()).build();
        kafka.start();
        admin = Admin.create(kafka.clientProperties());
        for (String tier : List.of(TIER, PREFIX + "4s", PREFIX + "16s")) {
            Topics.create(admin, tier, 3);
        }
        Topics.create(admin, DEAD_LETTERS, 1);
        Topics.create(admin, CHANGELOG, 3, Map.of("cleanup.policy", "compact"));
        Topics.create(admin, MARKERS, 1, Map.of("cleanup.policy", "compact"));
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : List.of(DEAD_LETTERS, CHANGELOG, RESOLVED)) {
            acls.add(topicAcl(topic, AclOperation.READ));
            acls.add(topicAcl(topic, AclOperation.DESCRIBE));
        }
        acls.add(topicAcl(MARKERS, AclOperation.READ));
        acls.add(topicAcl(MARKERS, AclOperation.DESCRIBE));
        acls.add(topicAcl(MARKERS, AclOperation.WRITE));
        acls.add(topicAcl(TIER, AclOperation.DESCRIBE));
        for (AclOperation operation : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
            acls.add(new AclBinding(
                    new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "dlq-tools-replay-", PatternType.PREFIXED),
                    new AccessControlEntry(OPERATOR, "*", operation, AclPermissionType.ALLOW)));
        }
        admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        writeDeadLetters();
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void unauthorizedReplayFailsWithoutHalfDoneWork(@TempDir Path directory) throws Exception {
        Path commandConfig = directory.resolve("operator.properties");
        Files.writeString(
                commandConfig,
                "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=" + jaas("operator") + "\n");
        ToolContext context = new ToolContext(Map.of(), Clock.systemUTC(), Terminal.none(), new StopSignal());
        String[] replay = {
            "replay",
            "--all",
            "--replay-id",
            "denied",
            "--bootstrap-server",
            kafka.bootstrapServers(),
            "--command-config",
            commandConfig.toString(),
            "--topic-prefix",
            PREFIX,
            "--dead-letter-topic",
            DEAD_LETTERS,
            "--application-id",
            "auth-worker"
        };

        CliRun denied = CliRun.run(context, replay);

        assertThat(denied.exitCode).as(denied.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(denied.err.strip().lines()).as(denied.err).hasSize(1);
        assertThat(denied.err)
                .contains("Failed to write replayed records to " + TIER, "not authorized for topic " + TIER, "WRITE");
        assertThat(denied.out).contains("Replayed and committed 0 dead letters before the failure");
        assertThat(read(TIER)).isEmpty();
        assertThat(read(MARKERS)).isEmpty();

        admin.createAcls(List.of(topicAcl(TIER, AclOperation.WRITE))).all().get(30, TimeUnit.SECONDS);
        CliRun granted = CliRun.run(context, replay);

        assertThat(granted.exitCode).as(granted.toString()).isZero();
        assertThat(granted.out).contains("Replayed 3 dead letters to " + TIER);
        assertThat(read(TIER)).hasSize(3);
        assertThat(read(MARKERS)).hasSize(4);
        CliRun config = CliRun.run(
                context,
                "config",
                "--command-config",
                commandConfig.toString(),
                "--bootstrap-server",
                kafka.bootstrapServers());
        assertThat(config.out).contains("sasl.jaas.config", "[hidden]").doesNotContain("operator-secret");
    }

    private static void writeDeadLetters() throws Exception {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                FailedOperation deadLetter =
                        TestPipeline.httpDeadLetter("auth-" + i).build();
                producer.send(new ProducerRecord<>(
                                DEAD_LETTERS,
                                null,
                                null,
                                deadLetter.getIdempotencyKey().getBytes(StandardCharsets.UTF_8),
                                codec.encode(DEAD_LETTERS, deadLetter),
                                PipelineHeaders.forEnvelope(deadLetter)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<?> read(String topic) {
        return TestPipeline.readCommitted(kafka.clientProperties(), topic);
    }

    private static AclBinding topicAcl(String topic, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry(OPERATOR, "*", operation, AclPermissionType.ALLOW));
    }

    private static String jaas(String user) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + user + "-secret\";";
    }

    /** A SASL/PLAIN listener with ACLs, whose users are admin (a super user) and operator. */
    private static final class SaslPlain implements ListenerSecurity {
        @Override
        public String listenerName() {
            return "SASL_PLAINTEXT";
        }

        @Override
        public String protocol() {
            return "SASL_PLAINTEXT";
        }

        @Override
        public Map<String, String> brokerProperties() {
            return Map.of(
                    "sasl.enabled.mechanisms", "PLAIN",
                    "sasl.mechanism.inter.broker.protocol", "PLAIN",
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                                    + " password=\"admin-secret\" user_admin=\"admin-secret\""
                                    + " user_operator=\"operator-secret\";",
                    "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    // The controller listener is plaintext, so the broker reaches the controller as ANONYMOUS.
                    "super.users", "User:admin;User:ANONYMOUS");
        }

        @Override
        public List<String> formatArguments() {
            return List.of();
        }

        @Override
        public Map<String, Object> clientProperties() {
            return Map.of(
                    "security.protocol", "SASL_PLAINTEXT",
                    "sasl.mechanism", "PLAIN",
                    "sasl.jaas.config", jaas("admin"));
        }
    }
}
