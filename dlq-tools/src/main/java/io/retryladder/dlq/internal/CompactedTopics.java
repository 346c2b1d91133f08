package io.retryladder.dlq.internal;

import io.retryladder.dlq.ToolException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the tool's own compacted topics when they are missing. */
public final class CompactedTopics {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopics.class);

    private CompactedTopics() {}

    /**
     * Creates {@code topic} with cleanup.policy=compact and the broker's default partition count and
     * replication factor, unless it exists.
     */
    public static void ensure(KafkaClients clients, String topic) {
        Duration timeout = clients.timeout();
        NewTopic newTopic = new NewTopic(topic, Optional.empty(), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try (Admin admin = clients.admin()) {
            if (admin.listTopics()
                    .names()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .contains(topic)) {
                return;
            }
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created the compacted topic {}", topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return;
            }
            throw ToolException.failure(
                    KafkaFailures.describe("create the compacted topic " + topic, e.getCause())
                            + ". Or create it yourself: kafka-topics.sh --create --topic " + topic
                            + " --config cleanup.policy=compact",
                    e.getCause());
        } catch (TimeoutException e) {
            throw ToolException.failure(
                    "Timed out after " + timeout.toSeconds() + " s creating topic " + topic
                            + "; check --bootstrap-server and that the brokers are reachable",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ToolException.failure("Interrupted while creating topic " + topic, e);
        }
    }
}
