package io.retryladder.worker.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether the dead-letter topic can take writes now. A failed write inside a transaction
 * aborts every other write of that transaction too, so dead letters are held in the timer store
 * while the topic is not writable instead of being sent into a failure.
 *
 * <p>The gate checks every partition's leader and in-sync replicas against the topic's
 * {@code min.insync.replicas} twice a second, and closes at once when a write to the topic fails.
 */
public final class DeadLetterGate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterGate.class);

    private final Admin admin;
    private final String topic;
    private final ScheduledExecutorService scheduler;
    private volatile boolean writable = true;
    private volatile String reason = "";
    private volatile long failureReportedAtNanos;

    public DeadLetterGate(Admin admin, String topic) {
        this.admin = admin;
        this.topic = topic;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "retry-worker-dead-letter-gate");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::check, 0, 500, TimeUnit.MILLISECONDS);
    }

    public boolean isWritable() {
        return writable;
    }

    public String reason() {
        return reason;
    }

    public String topic() {
        return topic;
    }

    /** Closes the gate after a failed write; the next successful check opens it again. */
    public void reportWriteFailure(String failure) {
        failureReportedAtNanos = System.nanoTime();
        setWritable(false, "a write failed: " + failure);
    }

    void check() {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .get(topic);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS);
            int minInSync = Integer.parseInt(configs.get(resource)
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)
                    .value());
            for (TopicPartitionInfo partition : description.partitions()) {
                if (partition.leader() == null) {
                    setWritable(false, "partition " + partition.partition() + " has no leader");
                    return;
                }
                if (partition.isr().size() < minInSync) {
                    setWritable(
                            false,
                            "partition " + partition.partition() + " has "
                                    + partition.isr().size() + " in-sync replicas, fewer than min.insync.replicas="
                                    + minInSync);
                    return;
                }
            }
            boolean recentlyFailed = System.nanoTime() - failureReportedAtNanos < TimeUnit.SECONDS.toNanos(2);
            if (!recentlyFailed) {
                setWritable(true, "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            setWritable(false, "describing the topic failed: " + e);
        }
    }

    private void setWritable(boolean nowWritable, String why) {
        if (writable != nowWritable) {
            if (nowWritable) {
                log.info("Dead-letter topic {} is writable again; held dead letters will be written", topic);
            } else {
                log.warn(
                        "Dead-letter topic {} is not writable ({}); dead letters are held in the timer store and"
                                + " retried with backoff",
                        topic,
                        why);
            }
        }
        reason = why;
        writable = nowWritable;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
