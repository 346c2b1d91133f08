package io.retryladder.worker.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks the settings that Kafka Streams derives for each of its clients before any client exists.
 * Kafka Streams reads them one client at a time while it builds itself, and a constructor that
 * fails on the main consumer leaves the admin client and producer it built before still running.
 */
public final class ClientSettings {

    private static final String CLIENT_ID = "settings-check";

    private ClientSettings() {}

    /**
     * Throws {@link org.apache.kafka.common.config.ConfigException} naming the first invalid value
     * among the Kafka Streams settings and the consumer, producer and admin settings they derive.
     */
    public static void check(Properties streamsSettings) {
        StreamsConfig streams = new UnloggedStreamsConfig(streamsSettings);
        String applicationId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        ConfigDef consumer = ConsumerConfig.configDef();
        parse(consumer, streams.getMainConsumerConfigs(applicationId, CLIENT_ID, 0));
        parse(consumer, streams.getRestoreConsumerConfigs(CLIENT_ID));
        parse(consumer, streams.getGlobalConsumerConfigs(CLIENT_ID));
        parse(ProducerConfig.configDef(), streams.getProducerConfigs(CLIENT_ID));
        parse(AdminClientConfig.configDef(), streams.getAdminConfigs(CLIENT_ID));
    }

    /** Parses {@code settings}, adding the byte array serializers that Kafka Streams passes as objects. */
    private static void parse(ConfigDef definition, Map<String, Object> settings) {
        Map<String, Object> complete = new HashMap<>(settings);
        complete.putIfAbsent(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        complete.putIfAbsent(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        complete.putIfAbsent(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        complete.putIfAbsent(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        definition.parse(complete);
    }

    private static final class UnloggedStreamsConfig extends StreamsConfig {

        UnloggedStreamsConfig(Map<?, ?> settings) {
            super(settings, false);
        }
    }
}
