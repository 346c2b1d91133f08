package io.retryladder.envelope.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SettingNamesTest {

    private static final List<String> NAMES = List.of("retry.http.port", "retry.http.host", "retry.max.in.flight");

    @Test
    void oneEditFindsName() {
        assertThat(SettingNames.closest("retry.http.prot", NAMES)).contains("retry.http.port");
    }

    @Test
    void missingWordFindsName() {
        assertThat(SettingNames.closest("retry.max.inflight", NAMES)).contains("retry.max.in.flight");
    }

    @Test
    void distantNameFindsNothing() {
        assertThat(SettingNames.closest("retry.tier.delays", NAMES)).isEmpty();
    }

    @Test
    void distanceCountsEdits() {
        assertThat(SettingNames.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(SettingNames.distance("", "abc")).isEqualTo(3);
        assertThat(SettingNames.distance("same", "same")).isZero();
    }
}
