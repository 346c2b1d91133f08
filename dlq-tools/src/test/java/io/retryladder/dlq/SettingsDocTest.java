package io.retryladder.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.envelope.config.SettingsMarkdown;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The settings table in docs/dlq-tools.md matches the settings' declaration. */
class SettingsDocTest {

    private static final Path DOC = Path.of("..", "docs", "dlq-tools.md");
    private static final String START = "<!-- settings:dlq-tools:start -->\n";
    private static final String END = "<!-- settings:dlq-tools:end -->";

    @Test
    void docsTableIsCurrent() throws Exception {
        String doc = Files.readString(DOC);
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertThat(start).as("%s has the marker %s", DOC, START.strip()).isNotNegative();
        assertThat(end).as("%s has the marker %s", DOC, END).isGreaterThan(start);

        String expected = SettingsMarkdown.table(DlqToolsConfig.configDef(), DlqToolsConfig.ENVIRONMENT_PREFIX);

        assertThat(doc.substring(start + START.length(), end))
                .as("the settings table in %s; replace it with the expected text", DOC)
                .isEqualTo(expected);
    }
}
