package io.retryladder.worker.internal;

import io.retryladder.envelope.Ladder;
import io.retryladder.worker.RetryWorkerConfig;
import io.retryladder.worker.StartupException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the tier and dead-letter topics at start-up, creating missing ones when allowed, and
 * refuses tiers whose partition counts differ: one key must land in the same partition number of
 * every tier so that one task, and one deduplication store, sees all of its records.
 */
public final class TopicSetup {

    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    private static final long TIMEOUT_SECONDS = 30;

    private TopicSetup() {}

    public static TopicLayout prepare(Admin admin, Ladder ladder, RetryWorkerConfig config) {
        List<String> topics = new ArrayList<>(ladder.tierTopics());
        topics.add(ladder.deadLetterTopic());
        String servers = String.join(",", config.getList(RetryWorkerConfig.BOOTSTRAP_SERVERS));
        List<String> missing = missingTopics(admin, topics, servers);
        if (!missing.isEmpty()) {
            if (!config.getBoolean(RetryWorkerConfig.TOPICS_CREATE)) {
                throw new StartupException("Topics " + missing + " do not exist; create them (every tier with the"
                        + " same partition count) or set " + RetryWorkerConfig.TOPICS_CREATE + "=true");
            }
            // Missing tiers take the partition count of the existing ones, which must agree, so that a
            // failed check leaves no new topic behind.
            List<String> existingTiers = ladder.tierTopics().stream()
                    .filter(topic -> !missing.contains(topic))
                    .toList();
            Integer tierPartitions = existingTiers.isEmpty()
                    ? null
                    : checkTierPartitions(existingTiers, describe(admin, existingTiers, servers));
            create(admin, missing, ladder, config, servers, tierPartitions);
        }
        Map<String, TopicDescription> descriptions = describe(admin, topics, servers);
        int partitions = checkTierPartitions(ladder.tierTopics(), descriptions);
        Map<String, Config> configs = configs(admin, topics, servers);
        Map<String, Integer> maxMessageBytes = new HashMap<>();
        configs.forEach((topic, topicConfig) -> maxMessageBytes.put(
                topic,
                Integer.parseInt(
                        topicConfig.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())));
        boolean logAppendTime = ladder.tierTopics().stream()
                .allMatch(topic -> "LogAppendTime"
                        .equals(configs.get(topic)
                                .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG)
                                .value()));
        if (!logAppendTime) {
            log.warn(
                    "Not every tier topic of {} uses message.timestamp.type=LogAppendTime, so delays start when"
                            + " the worker reads a record rather than when the broker stored it; set it to anchor delays on"
                            + " the broker's clock",
                    ladder.tierTopics());
        }
        return new TopicLayout(partitions, maxMessageBytes, logAppendTime);
    }

    /** Describes the topics, waiting for topics created a moment ago to appear in the cluster's metadata. */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> topics, String servers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new StartupException("Failed to describe topics " + topics + ": " + e.getCause(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while describing topics " + topics, e);
            } catch (TimeoutException e) {
                throw new StartupException(
                        "Describing topics " + topics + " timed out after " + TIMEOUT_SECONDS
                                + " s; check bootstrap.servers (" + servers + ") and that the brokers are up",
                        e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topics " + topics, e);
            }
        }
    }

    /** Creates the missing topics: tiers with {@code tierPartitions} partitions unless null, the rest as configured. */
    private static void create(
            Admin admin,
            List<String> missing,
            Ladder ladder,
            RetryWorkerConfig config,
            String servers,
            Integer tierPartitions) {
        int configured = config.getInt(RetryWorkerConfig.TOPICS_PARTITIONS);
        short replication = config.getShort(RetryWorkerConfig.TOPICS_REPLICATION_FACTOR);
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : missing) {
            boolean deadLetter = topic.equals(ladder.deadLetterTopic());
            int partitions = !deadLetter && tierPartitions != null ? tierPartitions : configured;
            Map<String, String> configs = new HashMap<>();
            // The broker's clock anchors delays, so a publisher with a skewed clock cannot make a record early.
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
            if (deadLetter) {
                configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(30)));
            }
            newTopics.add(new NewTopic(topic, Optional.of(partitions), Optional.of(replication)).configs(configs));
        }
        try {
            admin.createTopics(newTopics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (tierPartitions == null) {
                log.info("Created topics {} with {} partitions", missing, configured);
            } else {
                log.info(
                        "Created topics {}: tiers with the {} partitions of the existing tiers, others with {}",
                        missing,
                        tierPartitions,
                        configured);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new StartupException("Failed to create topics " + missing + ": " + e.getCause(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + missing, e);
        } catch (TimeoutException e) {
            throw new StartupException(
                    "Creating topics " + missing + " timed out after " + TIMEOUT_SECONDS
                            + " s; check bootstrap.servers (" + servers + ") and that the brokers are up",
                    e);
        }
    }

    private static int checkTierPartitions(List<String> tiers, Map<String, TopicDescription> descriptions) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String topic : tiers) {
            counts.put(topic, descriptions.get(topic).partitions().size());
        }
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<String> smaller = counts.entrySet().stream()
                .filter(entry -> entry.getValue() != max)
                .map(Map.Entry::getKey)
                .toList();
        if (!smaller.isEmpty()) {
            throw new StartupException("Tier topics have different partition counts " + counts + "; every tier"
                    + " needs the same partition count so that one key meets one deduplication store. Before the"
                    + " first run, raise " + smaller + " to " + max + " partitions, for example: kafka-topics.sh"
                    + " --alter --topic " + smaller.get(0) + " --partitions " + max + "; on a deployment that has"
                    + " run, treat the change as a migration, as docs/operating.md says");
        }
        return max;
    }

    /**
     * Returns the topics that do not exist. Topics are described one by one, because listing topics
     * silently leaves out those the worker may not see, which would look like missing topics.
     */
    private static List<String> missingTopics(Admin admin, List<String> topics, String servers) {
        Map<String, KafkaFuture<TopicDescription>> descriptions =
                admin.describeTopics(topics).topicNameValues();
        List<String> missing = new ArrayList<>();
        for (String topic : topics) {
            try {
                descriptions.get(topic).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(topic);
                } else if (e.getCause() instanceof TopicAuthorizationException) {
                    throw new StartupException(
                            "Not authorized to describe topic " + topic + ": grant the worker's"
                                    + " principal READ and WRITE on each tier topic and WRITE on the dead-letter topic (each"
                                    + " implies DESCRIBE), as docs/security.md lists",
                            e.getCause());
                } else {
                    throw new StartupException("Failed to describe topic " + topic + ": " + e.getCause(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while describing topic " + topic, e);
            } catch (TimeoutException e) {
                throw new StartupException(
                        "Describing topic " + topic + " timed out after " + TIMEOUT_SECONDS
                                + " s; check bootstrap.servers (" + servers + ") and that the brokers are up",
                        e);
            }
        }
        return missing;
    }

    private static Map<String, Config> configs(Admin admin, List<String> topics, String servers) {
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                .toList();
        Map<ConfigResource, KafkaFuture<Config>> futures =
                admin.describeConfigs(resources).values();
        Map<String, Config> byTopic = new HashMap<>();
        for (ConfigResource resource : resources) {
            try {
                byTopic.put(resource.name(), futures.get(resource).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    throw new StartupException(
                            "Not authorized to read the configuration of topic "
                                    + resource.name() + ": grant the worker's principal DESCRIBE_CONFIGS on it, as"
                                    + " docs/security.md lists",
                            e.getCause());
                }
                throw new StartupException(
                        "Failed to read the configuration of topic " + resource.name() + ": " + e.getCause(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while reading topic configurations", e);
            } catch (TimeoutException e) {
                throw new StartupException(
                        "Reading the configuration of topic " + resource.name() + " timed out after " + TIMEOUT_SECONDS
                                + " s; check bootstrap.servers (" + servers + ") and that the brokers are up",
                        e);
            }
        }
        return byTopic;
    }
}
