package io.retryladder.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassifierTest {

    @ParameterizedTest
    @CsvSource({
        "408,true",
        "425,true",
        "429,true",
        "500,true",
        "503,true",
        "599,true",
        "400,false",
        "401,false",
        "404,false",
        "409,false",
        "422,false"
    })
    void defaultStatusClassification(int status, boolean retryable) {
        FailureClassifier classifier = FailureClassifier.from(config(Map.of()));

        assertThat(classifier.isRetryable(Failure.httpStatus(status, "HTTP " + status, null)))
                .isEqualTo(retryable);
    }

    @ParameterizedTest
    @CsvSource({"true,true", "false,false"})
    void connectionErrorsFollowSetting(String setting, boolean retryable) {
        FailureClassifier classifier =
                FailureClassifier.from(config(Map.of(RetryPublisherConfig.RETRYABLE_CONNECTION_ERRORS, setting)));

        assertThat(classifier.isRetryable(Failure.connection(new ConnectException("refused"))))
                .isEqualTo(retryable);
    }

    @ParameterizedTest
    @CsvSource({"true,true", "false,false"})
    void timeoutsFollowSetting(String setting, boolean retryable) {
        FailureClassifier classifier =
                FailureClassifier.from(config(Map.of(RetryPublisherConfig.RETRYABLE_TIMEOUTS, setting)));

        assertThat(classifier.isRetryable(Failure.of(new java.net.http.HttpTimeoutException("slow"))))
                .isEqualTo(retryable);
    }

    @org.junit.jupiter.api.Test
    void customStatusesReplaceDefaults() {
        FailureClassifier classifier =
                FailureClassifier.from(config(Map.of(RetryPublisherConfig.RETRYABLE_HTTP_STATUSES, "409,502-504")));

        assertThat(classifier.isRetryable(Failure.httpStatus(409, "", null))).isTrue();
        assertThat(classifier.isRetryable(Failure.httpStatus(503, "", null))).isTrue();
        assertThat(classifier.isRetryable(Failure.httpStatus(500, "", null))).isFalse();
    }

    @org.junit.jupiter.api.Test
    void customFailureKeepsItsFlag() {
        FailureClassifier classifier = FailureClassifier.from(config(Map.of()));

        assertThat(classifier.isRetryable(Failure.custom("ledger busy", true))).isTrue();
        assertThat(classifier.isRetryable(Failure.custom("bad account", false))).isFalse();
        assertThat(classifier.isRetryable(Failure.of(new IOException("reset")))).isTrue();
    }

    @org.junit.jupiter.api.Test
    void invalidStatusRangeRejected() {
        assertThatThrownBy(() -> config(Map.of(RetryPublisherConfig.RETRYABLE_HTTP_STATUSES, "500-4xx")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RetryPublisherConfig.RETRYABLE_HTTP_STATUSES)
                .hasMessageContaining("'4xx' is not an HTTP status code");
    }

    private static RetryPublisherConfig config(Map<String, String> overrides) {
        Map<String, Object> settings = new HashMap<>(overrides);
        settings.put(RetryPublisherConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9");
        settings.put(RetryPublisherConfig.SERVICE_NAME, "test");
        return new RetryPublisherConfig(settings);
    }
}
