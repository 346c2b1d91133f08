package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Settings that the worker reads into richer forms fail when the configuration is built. */
class RetryWorkerConfigTest {

    @Test
    void unorderedTierDelaysFailEarly() {
        assertThatThrownBy(() -> new RetryWorkerConfig(settings("retry.tier.delays.ms", "4000,1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry.tier.delays.ms");
    }

    @Test
    void malformedRetryableStatusesFailEarly() {
        assertThatThrownBy(() -> new RetryWorkerConfig(settings("retry.retryable.http.statuses", "5xx")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry.retryable.http.statuses")
                .hasMessageContaining("'5xx' is not an HTTP status code");
    }

    @Test
    void malformedBreakerStatusesFailEarly() {
        assertThatThrownBy(() -> new RetryWorkerConfig(settings("retry.breaker.failure.statuses", "600")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry.breaker.failure.statuses");
    }

    @Test
    void fixedStreamsSettingsRejected() {
        assertThatThrownBy(() -> new RetryWorkerConfig(settings("processing.guarantee", "at_least_once")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("processing.guarantee")
                .hasMessageContaining("exactly_once_v2");
        assertThatThrownBy(() -> new RetryWorkerConfig(settings("poll.ms", "50")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry.poll.ms");
    }

    @Test
    void defaultsAreAccepted() {
        RetryWorkerConfig config = new RetryWorkerConfig(settings("retry.jitter", "EQUAL"));

        assertThat(config.getList(RetryWorkerConfig.BREAKER_FAILURE_STATUSES)).containsExactly("502-504");
    }

    private static Map<String, Object> settings(String name, String value) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "127.0.0.1:9092");
        settings.put(name, value);
        return settings;
    }
}
