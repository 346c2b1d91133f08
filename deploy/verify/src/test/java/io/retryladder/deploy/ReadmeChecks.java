package io.retryladder.deploy;

import java.util.Map;

/** Checks that README.md's settings tables match the settings the code declares. */
final class ReadmeChecks {

    static final String FILE = RepositoryFiles.README;

    private final String readme;

    ReadmeChecks(RepositoryFiles files) {
        this.readme = files.text(FILE);
    }

    /** Checks that each marked section contains exactly the table generated from its ConfigDef. */
    Problems tablesUpToDate() {
        Problems problems = new Problems();
        for (Map.Entry<String, String> table : ReadmeSettings.tables().entrySet()) {
            String name = table.getKey();
            String section;
            try {
                section = ReadmeSettings.section(readme, name);
            } catch (IllegalArgumentException e) {
                problems.add(FILE, ReadmeSettings.startMarker(name), "the marked section", "none", e.getMessage());
                continue;
            }
            String expected = ReadmeSettings.sectionBody(table.getValue());
            if (!section.equals(expected)) {
                problems.add(
                        FILE,
                        ReadmeSettings.startMarker(name),
                        "the table generated from the " + name + "'s ConfigDef",
                        firstDifference(readme, name, section, expected),
                        "regenerate both tables from the repository root with `" + ReadmeSettings.REGENERATE_COMMAND
                                + "`");
            }
        }
        return problems;
    }

    /** Describes the first line where the section differs from the generated text. */
    private static String firstDifference(String readme, String name, String section, String expected) {
        String[] actualLines = section.split("\n", -1);
        String[] expectedLines = expected.split("\n", -1);
        int markerAt = readme.indexOf(ReadmeSettings.startMarker(name));
        int firstLine = (int) readme.substring(0, markerAt)
                        .chars()
                        .filter(c -> c == '\n')
                        .count()
                + 1;
        for (int i = 0; i < Math.max(actualLines.length, expectedLines.length); i++) {
            String actual = i < actualLines.length ? actualLines[i] : "(end of section)";
            String generated = i < expectedLines.length ? expectedLines[i] : "(end of section)";
            if (!actual.equals(generated)) {
                return "a table that differs at line " + (firstLine + i) + ": '" + abbreviate(actual)
                        + "' where the generator writes '" + abbreviate(generated) + "'";
            }
        }
        return "a different table";
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
    }
}
