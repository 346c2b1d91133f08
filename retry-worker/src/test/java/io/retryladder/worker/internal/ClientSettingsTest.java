package io.retryladder.worker.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {

    @Test
    void validSettingsPass() {
        Properties settings = base();
        settings.setProperty("main.consumer.fetch.min.bytes", "65536");
        settings.setProperty("producer.batch.size", "131072");

        assertThatCode(() -> ClientSettings.check(settings)).doesNotThrowAnyException();
    }

    @Test
    void invalidMainConsumerValueNamed() {
        Properties settings = base();
        settings.setProperty("main.consumer.fetch.min.bytes", "-5");

        assertThatThrownBy(() -> ClientSettings.check(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fetch.min.bytes")
                .hasMessageContaining("-5");
    }

    @Test
    void invalidRestoreConsumerValueNamed() {
        Properties settings = base();
        settings.setProperty("restore.consumer.max.poll.records", "0");

        assertThatThrownBy(() -> ClientSettings.check(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max.poll.records");
    }

    @Test
    void invalidProducerValueNamed() {
        Properties settings = base();
        settings.setProperty("producer.batch.size", "-1");

        assertThatThrownBy(() -> ClientSettings.check(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("batch.size");
    }

    @Test
    void invalidAdminValueNamed() {
        Properties settings = base();
        settings.setProperty("admin.retries", "-1");

        assertThatThrownBy(() -> ClientSettings.check(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retries");
    }

    @Test
    void invalidStreamsValueNamed() {
        Properties settings = base();
        settings.setProperty("num.stream.threads", "many");

        assertThatThrownBy(() -> ClientSettings.check(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("num.stream.threads");
    }

    private static Properties base() {
        Properties settings = new Properties();
        settings.setProperty("application.id", "settings-test");
        settings.setProperty("bootstrap.servers", "127.0.0.1:9092");
        settings.setProperty("processing.guarantee", "exactly_once_v2");
        return settings;
    }
}
