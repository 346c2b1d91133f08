package io.retryladder.testing;

import io.retryladder.local.LocalKafka;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Hands tests a {@link KafkaCluster} parameter. One cluster serves every test of the JVM and stops
 * when the test run ends. It is, in order of preference:
 *
 * <ol>
 *   <li>the cluster named by the environment variable {@value #BOOTSTRAP_VARIABLE};
 *   <li>an {@code apache/kafka} container when a Docker engine answers;
 *   <li>a KRaft broker inside the test JVM.
 * </ol>
 *
 * <p>Setting {@value #BROKER_VARIABLE} to {@code in-process} skips the Docker check.
 */
public final class KafkaExtension implements ParameterResolver {

    public static final String BOOTSTRAP_VARIABLE = "RETRY_LADDER_TEST_BOOTSTRAP_SERVERS";
    public static final String BROKER_VARIABLE = "RETRY_LADDER_TEST_BROKER";
    /** Image of the broker container, when Docker is used. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.4.0";

    private static final Logger log = LoggerFactory.getLogger(KafkaExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedCluster.class, key -> startCluster(), SharedCluster.class);
    }

    private static SharedCluster startCluster() {
        String external = System.getenv(BOOTSTRAP_VARIABLE);
        if (external != null && !external.isBlank()) {
            log.info("Tests use the Kafka cluster at {} from {}", external, BOOTSTRAP_VARIABLE);
            return new SharedCluster(external, "external cluster at " + external, () -> {});
        }
        if (!"in-process".equals(System.getenv(BROKER_VARIABLE)) && dockerAnswers()) {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            log.info("Tests use a {} container at {}", KAFKA_IMAGE, container.getBootstrapServers());
            return new SharedCluster(container.getBootstrapServers(), KAFKA_IMAGE + " container", container::stop);
        }
        LocalKafka kafka = LocalKafka.startDefault();
        return new SharedCluster(kafka.bootstrapServers(), "in-process KRaft broker", kafka::close);
    }

    private static boolean dockerAnswers() {
        boolean configured = System.getenv("DOCKER_HOST") != null || new File("/var/run/docker.sock").exists();
        if (!configured) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            log.info("No Docker engine answers ({}); tests use an in-process broker", e.toString());
            return false;
        }
    }

    /** The JVM-wide cluster, closed by JUnit when the root context closes. */
    static final class SharedCluster implements KafkaCluster, ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final String bootstrapServers;
        private final String description;
        private final Runnable stopper;
        private Admin admin;

        SharedCluster(String bootstrapServers, String description, Runnable stopper) {
            this.bootstrapServers = bootstrapServers;
            this.description = description;
            this.stopper = stopper;
        }

        @Override
        public String bootstrapServers() {
            return bootstrapServers;
        }

        @Override
        public Map<String, Object> clientProperties() {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            return props;
        }

        @Override
        public synchronized Admin admin() {
            if (admin == null) {
                admin = Admin.create(clientProperties());
            }
            return admin;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public synchronized void close() {
            if (admin != null) {
                admin.close();
            }
            stopper.run();
        }
    }
}
