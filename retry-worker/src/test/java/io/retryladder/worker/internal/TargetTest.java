package io.retryladder.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void pathAndQueryIgnored() {
        assertThat(Target.ofUrl("http://Payments.Example:8080/charges/17?retry=1#top"))
                .isEqualTo(new Target("http://payments.example:8080"));
        assertThat(Target.ofUrl("http://payments.example:8080?x=1"))
                .isEqualTo(new Target("http://payments.example:8080"));
        assertThat(Target.ofUrl("http://payments.example:8080")).isEqualTo(new Target("http://payments.example:8080"));
    }

    @Test
    void defaultPortFromScheme() {
        assertThat(Target.ofUrl("HTTPS://api.example/v1")).isEqualTo(new Target("https://api.example:443"));
        assertThat(Target.ofUrl("http://api.example/v1")).isEqualTo(new Target("http://api.example:80"));
    }

    @Test
    void portAndHostSeparateTargets() {
        assertThat(Target.ofUrl("http://api.example:81/a")).isNotEqualTo(Target.ofUrl("http://api.example:82/a"));
        assertThat(Target.ofUrl("http://a.example/x")).isNotEqualTo(Target.ofUrl("http://b.example/x"));
    }

    @Test
    void badAuthorityInvalidTarget() {
        assertThat(Target.ofUrl("http://bad host/x")).isEqualTo(new Target("invalid-url"));
        assertThat(Target.ofUrl("not a url")).isEqualTo(new Target("invalid-url"));
    }
}
