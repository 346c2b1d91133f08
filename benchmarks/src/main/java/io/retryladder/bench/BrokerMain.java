package io.retryladder.bench;

import io.retryladder.local.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the benchmark's single-node KRaft broker in its own JVM until SIGTERM:
 * {@code BrokerMain DATA_DIR READY_FILE}. Once clients can connect it writes the bootstrap servers
 * to READY_FILE. Exit codes: 0 after SIGTERM, 1 when the broker failed to start, 2 for invalid
 * arguments.
 */
public final class BrokerMain {

    private BrokerMain() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("Usage: BrokerMain DATA_DIR READY_FILE");
            System.exit(2);
        }
        LocalKafka kafka = LocalKafka.builder()
                .dataDir(Path.of(args[0]))
                .brokerProperty("log.retention.ms", "3600000")
                .build();
        try {
            kafka.start();
            Path ready = Path.of(args[1]);
            Path partial = ready.resolveSibling(ready.getFileName() + ".partial");
            Files.writeString(partial, kafka.bootstrapServers());
            Files.move(partial, ready, StandardCopyOption.ATOMIC_MOVE);
        } catch (RuntimeException | IOException e) {
            System.err.println("The benchmark broker failed to start: " + e);
            kafka.close();
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            kafka.stop();
                            stopped.countDown();
                        },
                        "broker-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
