package io.retryladder.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReadmeSettingsTest {

    private static final String README = """
            # Title

            Text before.

            <!-- settings:producer:start -->
            stale producer table
            <!-- settings:producer:end -->

            Text between.

            <!-- settings:worker:start -->
            <!-- settings:worker:end -->

            <!-- settings:dlq-tools:start -->
            <!-- settings:dlq-tools:end -->

            Text after.
            """;

    @Test
    void readmeTablesMatchDeclarations() {
        new ReadmeChecks(RepositoryFiles.fromRepository()).tablesUpToDate().assertNone();
    }

    @Test
    void renderKeepsTextOutsideSections() {
        String rendered = ReadmeSettings.render(README);

        assertThat(rendered).startsWith("# Title\n\nText before.\n\n<!-- settings:producer:start -->\n\n| Setting |");
        assertThat(rendered).contains("<!-- settings:producer:end -->\n\nText between.\n\n");
        assertThat(rendered).endsWith("<!-- settings:dlq-tools:end -->\n\nText after.\n");
        assertThat(rendered).doesNotContain("stale producer table");
    }

    @Test
    void renderFillsEveryTable() {
        String rendered = ReadmeSettings.render(README);

        assertThat(ReadmeSettings.section(rendered, "producer")).contains("`retry.max.attempts`");
        assertThat(ReadmeSettings.section(rendered, "producer")).doesNotContain("Environment variable");
        assertThat(ReadmeSettings.section(rendered, "worker")).contains("`RETRY_WORKER_RETRY_HTTP_PORT`");
        assertThat(ReadmeSettings.section(rendered, "dlq-tools")).contains("`DLQ_TOOLS_BOOTSTRAP_SERVERS`");
    }

    @Test
    void renderIsIdempotent() {
        String once = ReadmeSettings.render(README);

        assertThat(ReadmeSettings.render(once)).isEqualTo(once);
    }

    @Test
    void missingMarkerNamesTheMarker() {
        String withoutEnd = README.replace("<!-- settings:worker:end -->\n", "");

        assertThatThrownBy(() -> ReadmeSettings.render(withoutEnd))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<!-- settings:worker:end -->");
    }

    @Test
    void swappedMarkersAreRejected() {
        String swapped = README.replace("<!-- settings:worker:start -->", "<!-- settings:tmp -->")
                .replace("<!-- settings:worker:end -->", "<!-- settings:worker:start -->")
                .replace("<!-- settings:tmp -->", "<!-- settings:worker:end -->");

        assertThatThrownBy(() -> ReadmeSettings.render(swapped))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before");
    }
}
