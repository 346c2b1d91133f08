package io.retryladder.deploy;

import io.retryladder.dlq.DlqToolsConfig;
import io.retryladder.envelope.config.SettingsMarkdown;
import io.retryladder.producer.RetryPublisherConfig;
import io.retryladder.worker.RetryWorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rewrites the settings tables of README.md from the {@code ConfigDef} declarations of the producer,
 * the worker and dlq-tools. Each table sits between the lines {@code <!-- settings:NAME:start -->} and
 * {@code <!-- settings:NAME:end -->}; the rest of the file is left as it is.
 *
 * <p>Usage: {@code ReadmeSettings [README.md]}, where the path defaults to README.md in the working
 * directory. The declarations come from the producer and retry-worker classes on the class path, so
 * regenerate with {@code mvn -B -q -pl deploy/verify -am compile -Preadme-settings}, which builds
 * them from source first.
 */
public final class ReadmeSettings {

    /** The command that regenerates the tables, for messages that ask for it. */
    public static final String REGENERATE_COMMAND = "mvn -B -q -pl deploy/verify -am compile -Preadme-settings";

    /**
     * Object.toString() of a validator without its own toString, such as a method reference:
     * class name, an optional hidden-class suffix, '@' and the identity hash.
     */
    private static final Pattern DEFAULT_TO_STRING =
            Pattern.compile("[a-z]\\w*(?:\\.[\\w$]+)+(?:/0x[0-9a-f]+)?@[0-9a-f]+");

    private ReadmeSettings() {}

    public static void main(String[] args) throws IOException {
        Path readme = Path.of(args.length > 0 ? args[0] : "README.md")
                .toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(readme)) {
            throw new IllegalArgumentException("README not found at " + readme.toAbsolutePath()
                    + "; run from the repository root or pass the README's path as the first argument");
        }
        String current = Files.readString(readme, StandardCharsets.UTF_8);
        String updated = render(current);
        if (updated.equals(current)) {
            System.out.println(readme + ": settings tables are up to date");
            return;
        }
        Files.writeString(readme, updated, StandardCharsets.UTF_8);
        System.out.println(readme + ": settings tables rewritten");
    }

    /** Returns the generated table of each marked section, by section name, in README order. */
    public static Map<String, String> tables() {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("producer", stable(SettingsMarkdown.table(RetryPublisherConfig.configDef(), null)));
        tables.put(
                "worker",
                stable(SettingsMarkdown.table(RetryWorkerConfig.configDef(), RetryWorkerConfig.ENVIRONMENT_PREFIX)));
        tables.put(
                "dlq-tools",
                stable(SettingsMarkdown.table(DlqToolsConfig.configDef(), DlqToolsConfig.ENVIRONMENT_PREFIX)));
        return tables;
    }

    /**
     * Blanks validators that SettingsMarkdown prints with Object.toString(), because their identity
     * hash and lambda class name change from one JVM run to the next. The row's description states
     * the rule.
     */
    static String stable(String table) {
        return DEFAULT_TO_STRING.matcher(table).replaceAll("");
    }

    /** Returns {@code readme} with every marked section replaced by its generated table. */
    public static String render(String readme) {
        String text = readme;
        for (Map.Entry<String, String> table : tables().entrySet()) {
            text = replaceSection(text, table.getKey(), table.getValue());
        }
        return text;
    }

    /** Returns the text between the start and end marker lines of section {@code name}. */
    public static String section(String readme, String name) {
        int[] bounds = bounds(readme, name);
        return readme.substring(bounds[0], bounds[1]);
    }

    public static String startMarker(String name) {
        return "<!-- settings:" + name + ":start -->";
    }

    public static String endMarker(String name) {
        return "<!-- settings:" + name + ":end -->";
    }

    /** Returns what the generator writes between the markers of a section holding {@code table}. */
    static String sectionBody(String table) {
        return "\n\n" + table + "\n";
    }

    private static String replaceSection(String readme, String name, String table) {
        int[] bounds = bounds(readme, name);
        return readme.substring(0, bounds[0]) + sectionBody(table) + readme.substring(bounds[1]);
    }

    /** Returns the offsets just after the start marker and at the start of the end marker. */
    private static int[] bounds(String readme, String name) {
        String start = startMarker(name);
        String end = endMarker(name);
        int startAt = readme.indexOf(start);
        int endAt = readme.indexOf(end);
        if (startAt < 0 || endAt < 0) {
            throw new IllegalArgumentException("README has no " + (startAt < 0 ? start : end) + " line; put " + start
                    + " and " + end + " on lines of their own where the " + name + " settings table belongs");
        }
        if (readme.indexOf(start, startAt + 1) >= 0 || readme.indexOf(end, endAt + 1) >= 0) {
            throw new IllegalArgumentException(
                    "README has more than one " + start + " or " + end + " line; keep one pair per section");
        }
        int bodyStart = startAt + start.length();
        if (endAt < bodyStart) {
            throw new IllegalArgumentException("README has " + end + " before " + start + "; swap the two lines");
        }
        return new int[] {bodyStart, endAt};
    }
}
