package io.retryladder.bench.peer;

import java.net.http.HttpClient;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationSupport;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The peer's Spring wiring. Everything keeps Spring for Apache Kafka's defaults except what the
 * benchmark fixes for both systems (byte-array records, reading from the earliest offset) and, in
 * {@link PeerSettings.Mode#TUNED}, the error handler's {@code seekAfterError=false} that the
 * retry-topic documentation suggests to avoid fetching records again after each back-off pause.
 */
@Configuration
@EnableKafka
public class PeerConfiguration extends RetryTopicConfigurationSupport {

    @Autowired
    private PeerSettings settings;

    @Bean
    public HttpClient downstreamClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(RetryingListener.CALL_TIMEOUT)
                .build();
    }

    @Bean
    public RetryingListener retryingListener(HttpClient downstreamClient) {
        return new RetryingListener(downstreamClient, settings);
    }

    @Bean
    public DefaultKafkaConsumerFactory<byte[], byte[]> consumerFactory() {
        return new DefaultKafkaConsumerFactory<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.bootstrapServers(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @Bean
    public ConcurrentKafkaListenerContainerFactory<byte[], byte[]> kafkaListenerContainerFactory(
            DefaultKafkaConsumerFactory<byte[], byte[]> consumerFactory) {
        ConcurrentKafkaListenerContainerFactory<byte[], byte[]> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.setConcurrency(settings.concurrency());
        return factory;
    }

    @Bean
    public KafkaTemplate<byte[], byte[]> kafkaTemplate() {
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer()));
    }

    /** Creates the scheduler that resumes partitions paused for a back-off, which retry topics need. */
    @Bean
    public ThreadPoolTaskScheduler taskScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("peer-backoff-");
        return scheduler;
    }

    @Override
    protected void configureCustomizers(CustomizersConfigurer customizers) {
        if (settings.mode() == PeerSettings.Mode.TUNED) {
            customizers.customizeErrorHandler(handler -> handler.setSeekAfterError(false));
        }
    }
}
