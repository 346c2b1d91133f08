package io.retryladder.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.ResourcePattern;
import org.junit.jupiter.api.Test;

/**
 * The grant tables of docs/security.md list exactly the ACLs of {@link Grants}, which the
 * integration tests run with. A failure prints the rows the document should have.
 */
class SecurityDocTest {

    private static final Path DOC = Path.of("..", "docs", "security.md");

    @Test
    void workerTableMatchesGrant() throws IOException {
        List<AclBinding> grant =
                Grants.worker("User:worker", "<application.id>", List.of("<each tier topic>"), "<dead-letter topic>");

        assertThat(documentedRows("worker")).isEqualTo(rows(grant));
    }

    @Test
    void publisherTableMatchesGrant() throws IOException {
        List<AclBinding> grant = Grants.publisher("User:publisher", "<first tier topic>");

        assertThat(documentedRows("publisher")).isEqualTo(rows(grant));
    }

    /** Returns one row per resource: type, name, pattern type and its operations, as the document writes them. */
    static List<String> rows(List<AclBinding> grant) {
        Map<ResourcePattern, List<String>> operations = new LinkedHashMap<>();
        for (AclBinding acl : grant) {
            operations
                    .computeIfAbsent(acl.pattern(), pattern -> new ArrayList<>())
                    .add(acl.entry().operation().name());
        }
        List<String> rows = new ArrayList<>();
        operations.forEach((pattern, names) -> rows.add(String.join(
                " | ",
                pattern.resourceType().name(),
                "`" + pattern.name() + "`",
                pattern.patternType().name().toLowerCase(Locale.ROOT),
                String.join(", ", names))));
        return rows;
    }

    /** Returns the first four cells of each row of the table between the markers named after {@code grant}. */
    private static List<String> documentedRows(String grant) throws IOException {
        String text = Files.readString(DOC, StandardCharsets.UTF_8);
        String start = "<!-- acl:" + grant + ":start -->";
        String end = "<!-- acl:" + grant + ":end -->";
        assertThat(text).as("%s has the markers of the %s table", DOC, grant).contains(start, end);
        String table = text.substring(text.indexOf(start) + start.length(), text.indexOf(end));
        return table.lines()
                .map(String::strip)
                .filter(line -> line.startsWith("|") && !line.startsWith("|---") && !line.startsWith("| Resource"))
                .map(line -> List.of(line.substring(1, line.length() - 1).split("\\|")).stream()
                        .limit(4)
                        .map(String::strip)
                        .collect(Collectors.joining(" | ")))
                .toList();
    }
}
