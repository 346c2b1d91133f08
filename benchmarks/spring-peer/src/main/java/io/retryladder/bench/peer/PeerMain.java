package io.retryladder.bench.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Runs the Spring Kafka peer until SIGTERM:
 * {@code java -cp ... io.retryladder.bench.peer.PeerMain --bootstrap-servers=... --topic=... --group-id=...
 * --downstream-url=... --mode=default|tuned --ready-file=...}.
 *
 * <p>It writes the ready file once every listener container (main, three retry topics, dead-letter
 * topic) has its partitions. Exit codes: 0 after SIGTERM, 1 when start-up failed, 2 for invalid
 * arguments.
 */
public final class PeerMain {

    private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(120);
    private static final int TOPICS = 5;

    private PeerMain() {}

    public static void main(String[] args) {
        PeerSettings settings;
        try {
            settings = PeerSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        try {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource("peer", settings.placeholders()));
            context.registerBean(PeerSettings.class, () -> settings);
            context.register(PeerConfiguration.class);
            context.refresh();
            awaitAssignment(context.getBean(KafkaListenerEndpointRegistry.class), settings);
            Files.writeString(settings.readyFile(), "ready\n");
        } catch (RuntimeException | IOException | InterruptedException e) {
            System.err.println("The Spring Kafka peer failed to start: " + e);
            context.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            context.close();
                            stopped.countDown();
                        },
                        "peer-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitAssignment(KafkaListenerEndpointRegistry registry, PeerSettings settings)
            throws InterruptedException {
        long deadline = System.nanoTime() + ASSIGNMENT_TIMEOUT.toNanos();
        while (true) {
            int containers = 0;
            int assigned = 0;
            for (MessageListenerContainer container : registry.getListenerContainers()) {
                containers++;
                assigned += container.getAssignedPartitions() == null
                        ? 0
                        : container.getAssignedPartitions().size();
            }
            if (containers >= TOPICS && assigned >= containers * settings.partitions()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + assigned + " partitions of " + containers
                        + " listener containers were assigned within " + ASSIGNMENT_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
