package io.retryladder.envelope.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/** Renders the settings declared in a {@link ConfigDef} as a Markdown table for the README. */
public final class SettingsMarkdown {

    /** What ConfigDef.Range prints: [low,...,high], [low,...] or [...,high]. */
    private static final Pattern RANGE = Pattern.compile("\\[(?:(-?[0-9.]+),)?\\.\\.\\.(?:,(-?[0-9.]+))?]");

    private SettingsMarkdown() {}

    /**
     * Returns a table with one row per setting, in declaration order.
     *
     * @param environmentPrefix the prefix of the matching environment variables, or null to leave the
     *     column out
     */
    public static String table(ConfigDef def, String environmentPrefix) {
        StringBuilder table = new StringBuilder();
        boolean withVariables = environmentPrefix != null;
        table.append("| Setting |");
        if (withVariables) {
            table.append(" Environment variable |");
        }
        table.append(" Type | Default | Valid values | Description |\n|---|");
        if (withVariables) {
            table.append("---|");
        }
        table.append("---|---|---|---|\n");
        List<ConfigKey> keys = def.configKeys().values().stream()
                .filter(key -> !key.internalConfig)
                .collect(Collectors.toList());
        for (ConfigKey key : keys) {
            table.append("| `").append(key.name).append("` |");
            if (withVariables) {
                table.append(" `")
                        .append(SettingsSources.variableName(environmentPrefix, key.name))
                        .append("` |");
            }
            table.append(' ')
                    .append(key.type.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ");
            table.append(defaultText(key)).append(" | ");
            table.append(escape(validValues(key.validator))).append(" | ");
            table.append(escape(key.documentation)).append(" |\n");
        }
        return table.toString();
    }

    private static String defaultText(ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "(none)";
        }
        String text = value instanceof List<?> list
                ? list.stream().map(Object::toString).collect(Collectors.joining(","))
                : value.toString();
        return text.isEmpty() ? "(empty)" : "`" + text.replace("|", "\\|") + "`";
    }

    /** Describes a validator in words: "1 to 64" for a range, nothing for one without a description. */
    static String validValues(ConfigDef.Validator validator) {
        if (validator == null) {
            return "";
        }
        String text = validator.toString();
        if (text.contains("$$Lambda") || text.matches(".*@[0-9a-f]+")) {
            return "";
        }
        Matcher range = RANGE.matcher(text);
        if (range.matches()) {
            String low = range.group(1);
            String high = range.group(2);
            if (low != null && high != null) {
                return low + " to " + high;
            }
            return low != null ? "at least " + low : "at most " + high;
        }
        return text;
    }

    private static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("|", "\\|")
                .replace("\n", " ");
    }
}
