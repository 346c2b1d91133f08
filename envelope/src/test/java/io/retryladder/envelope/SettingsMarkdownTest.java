package io.retryladder.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.config.PipelineSettings;
import io.retryladder.envelope.config.SettingsMarkdown;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class SettingsMarkdownTest {

    @Test
    void rangesReadAsWords() {
        ConfigDef def = new ConfigDef()
                .define("a.between", Type.INT, 5, ConfigDef.Range.between(1, 64), Importance.LOW, "A.")
                .define("b.at.least", Type.LONG, 60_000L, ConfigDef.Range.atLeast(1000), Importance.LOW, "B.");

        String table = SettingsMarkdown.table(def, null);

        assertThat(table).contains("| 1 to 64 |").contains("| at least 1000 |");
    }

    @Test
    void lambdaValidatorsLeftBlank() {
        ConfigDef def = new ConfigDef().define("c.custom", Type.STRING, "x", (name, value) -> {}, Importance.LOW, "C.");

        assertThat(SettingsMarkdown.table(def, null)).doesNotContain("Lambda").contains("| `x` |  | C. |");
    }

    @Test
    void angleBracketsEscaped() {
        String table = SettingsMarkdown.table(PipelineSettings.define(new ConfigDef()), "PREFIX_");

        assertThat(table).contains("&lt;topic&gt;-value").doesNotContain("<topic>");
        assertThat(table).contains("`PREFIX_RETRY_TIER_DELAYS_MS`");
    }
}
