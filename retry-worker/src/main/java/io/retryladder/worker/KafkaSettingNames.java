package io.retryladder.worker;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The setting names that Kafka Streams and its consumer, producer and admin clients declare. */
public final class KafkaSettingNames {

    public static final Set<String> ALL = all();

    private KafkaSettingNames() {}

    private static Set<String> all() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
