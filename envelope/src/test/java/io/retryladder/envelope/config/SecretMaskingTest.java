package io.retryladder.envelope.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretMaskingTest {

    @Test
    void secretNamesMasked() {
        assertThat(SecretMasking.printable("ssl.truststore.password", "hunter2"))
                .isEqualTo("[hidden]");
        assertThat(SecretMasking.printable("sasl.jaas.config", "x")).isEqualTo("[hidden]");
        assertThat(SecretMasking.printable("retry.secret.payments", "x")).isEqualTo("[hidden]");
    }

    @Test
    void misspeltSecretNamesMasked() {
        assertThat(SecretMasking.printable("ssl.truststore.pasword", "hunter2")).isEqualTo("[hidden]");
        assertThat(SecretMasking.printable("retry.secrt.payments", "hunter2")).isEqualTo("[hidden]");
        assertThat(SecretMasking.printable("ssl.key.pwd", "hunter2")).isEqualTo("[hidden]");
    }

    @Test
    void urlUserInfoMasked() {
        assertThat(SecretMasking.printable("schema.registry.url", "http://user:s3cret@registry:8081/apis"))
                .isEqualTo("http://[hidden]@registry:8081/apis");
    }

    @Test
    void plainValuesKept() {
        assertThat(SecretMasking.printable("bootstrap.servers", "127.0.0.1:9092"))
                .isEqualTo("127.0.0.1:9092");
        assertThat(SecretMasking.printable("schema.registry.url", "http://registry:8081"))
                .isEqualTo("http://registry:8081");
        assertThat(SecretMasking.printable("retry.max.in.flight", 256)).isEqualTo("256");
    }
}
