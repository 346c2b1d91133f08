package io.retryladder.producer.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record a topic accepts, read once from the topic's {@code max.message.bytes} and
 * bounded by the producer's {@code max.request.size}. When the topic cannot be described yet (it
 * may not exist), only the producer's limit applies and the lookup is tried again later.
 */
public final class RecordSizeLimit {

    private static final Logger log = LoggerFactory.getLogger(RecordSizeLimit.class);
    private static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Admin admin;
    private final String topic;
    private final int producerLimit;
    private volatile int topicLimit = -1;
    private volatile long nextLookupNanos;

    public RecordSizeLimit(Admin admin, String topic, int producerLimit) {
        this.admin = admin;
        this.topic = topic;
        this.producerLimit = producerLimit;
    }

    /** Returns the limit in bytes and the setting that imposes it. */
    public Limit limit() {
        int fromTopic = topicLimit();
        if (fromTopic > 0 && fromTopic < producerLimit) {
            return new Limit(fromTopic, "max.message.bytes of topic " + topic);
        }
        return new Limit(producerLimit, "the producer's max.request.size");
    }

    private int topicLimit() {
        if (topicLimit > 0 || System.nanoTime() < nextLookupNanos) {
            return topicLimit;
        }
        try {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
            ConfigEntry entry = configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            topicLimit = Integer.parseInt(entry.value());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            nextLookupNanos = System.nanoTime() + RETRY_AFTER_NANOS;
            log.debug("Could not read max.message.bytes of {} yet: {}", topic, e.toString());
        }
        return topicLimit;
    }

    /** A size limit and where it comes from. */
    public record Limit(int bytes, String source) {}
}
