package io.retryladder.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClientDefaultsTest {

    @Test
    void emptySettingsGetDefaults() {
        Properties settings = new Properties();

        RetryWorker.applyClientDefaults(settings);

        assertThat(settings).containsEntry("commit.interval.ms", 200);
        assertThat(settings).containsEntry("main.consumer.fetch.min.bytes", 65_536);
        assertThat(settings).containsEntry("main.consumer.fetch.max.wait.ms", 20);
        assertThat(settings).containsEntry("producer.batch.size", 131_072);
        assertThat(settings).containsEntry("consumer.max.poll.records", 1000);
        assertThat(settings).containsEntry("main.consumer.session.timeout.ms", 10_000);
        assertThat(settings).containsEntry("producer.transaction.timeout.ms", 20_000);
        assertThat(RetryWorker.transactionTimeoutWarning(settings)).isNull();
    }

    @Test
    void transactionTimeoutOutlastsSessionTimeout() {
        Properties settings = new Properties();
        settings.put("consumer.session.timeout.ms", "30000");

        RetryWorker.applyClientDefaults(settings);

        assertThat(settings).containsEntry("producer.transaction.timeout.ms", 40_000);
    }

    @Test
    void givenTransactionTimeoutWins() {
        Properties settings = new Properties();
        settings.put("transaction.timeout.ms", "60000");

        RetryWorker.applyClientDefaults(settings);

        assertThat(settings).doesNotContainKey("producer.transaction.timeout.ms");
        assertThat(RetryWorker.transactionTimeoutWarning(settings)).isNull();
    }

    @Test
    void shortTransactionTimeoutWarns() {
        Properties settings = new Properties();
        settings.put("producer.transaction.timeout.ms", "10000");

        RetryWorker.applyClientDefaults(settings);

        assertThat(RetryWorker.transactionTimeoutWarning(settings))
                .startsWith("producer.transaction.timeout.ms=10000 leaves less than 5 s beyond the session timeout"
                        + " of 10000 ms")
                .contains("Set producer.transaction.timeout.ms to 20000 or more");
    }

    @Test
    void unprefixedShortTransactionTimeoutWarns() {
        Properties settings = new Properties();
        settings.put("transaction.timeout.ms", "10000");

        RetryWorker.applyClientDefaults(settings);

        assertThat(RetryWorker.transactionTimeoutWarning(settings))
                .startsWith("transaction.timeout.ms=10000 leaves")
                .contains("Set transaction.timeout.ms to 20000 or more");
    }

    @Test
    void transactionTimeoutStaysWithinBrokerMaximum() {
        Properties settings = new Properties();
        settings.put("session.timeout.ms", "895000");

        RetryWorker.applyClientDefaults(settings);

        assertThat(settings).containsEntry("producer.transaction.timeout.ms", 900_000);
        assertThat(RetryWorker.transactionTimeoutWarning(settings)).isNull();
    }

    @Test
    void prefixedSettingsWin() {
        Properties settings = new Properties();
        settings.put("commit.interval.ms", "50");
        settings.put("main.consumer.fetch.min.bytes", "1");
        settings.put("consumer.fetch.max.wait.ms", "500");
        settings.put("producer.batch.size", "16384");

        RetryWorker.applyClientDefaults(settings);

        assertThat(settings).containsEntry("commit.interval.ms", "50");
        assertThat(settings).containsEntry("main.consumer.fetch.min.bytes", "1");
        assertThat(settings).containsEntry("consumer.fetch.max.wait.ms", "500");
        assertThat(settings).doesNotContainKey("main.consumer.fetch.max.wait.ms");
        assertThat(settings).containsEntry("producer.batch.size", "16384");
    }

    @Test
    void unprefixedSettingsWin() {
        Properties settings = new Properties();
        settings.put("fetch.min.bytes", "1");
        settings.put("fetch.max.wait.ms", "500");
        settings.put("batch.size", "16384");
        settings.put("max.poll.records", "200");
        settings.put("session.timeout.ms", "30000");

        RetryWorker.applyClientDefaults(settings);

        assertThat(settings).doesNotContainKey("main.consumer.fetch.min.bytes");
        assertThat(settings).doesNotContainKey("main.consumer.fetch.max.wait.ms");
        assertThat(settings).doesNotContainKey("producer.batch.size");
        assertThat(settings).doesNotContainKey("consumer.max.poll.records");
        assertThat(settings).doesNotContainKey("main.consumer.session.timeout.ms");
    }

    @Test
    void consumerPrefixedSettingsWin() {
        Properties settings = new Properties();
        settings.put("main.consumer.max.poll.records", "200");
        settings.put("consumer.session.timeout.ms", "30000");

        RetryWorker.applyClientDefaults(settings);

        assertThat(settings).doesNotContainKey("consumer.max.poll.records");
        assertThat(settings).doesNotContainKey("main.consumer.session.timeout.ms");
    }
}
