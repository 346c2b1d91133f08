package io.retryladder.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The instructions of a Dockerfile, enough of the syntax to check it: comments, line continuations,
 * exec-form arrays and ${NAME} references to ARG and ENV values.
 */
final class Dockerfile {

    /** One instruction: its keyword in upper case, its arguments as written, and its first line number. */
    record Instruction(String keyword, String arguments, int line) {}

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

    private final List<Instruction> instructions;

    private Dockerfile(List<Instruction> instructions) {
        this.instructions = instructions;
    }

    static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int startLine = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (pending.isEmpty()) {
                startLine = i + 1;
            }
            boolean continues = line.endsWith("\\");
            pending.append(continues ? line.substring(0, line.length() - 1) : line)
                    .append(' ');
            if (!continues) {
                add(instructions, pending.toString().strip(), startLine);
                pending.setLength(0);
            }
        }
        if (!pending.isEmpty()) {
            add(instructions, pending.toString().strip(), startLine);
        }
        return new Dockerfile(instructions);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** Returns the last instruction with this keyword, the one that takes effect for USER, WORKDIR or ENTRYPOINT. */
    Optional<Instruction> last(String keyword) {
        List<Instruction> matching = all(keyword);
        return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
    }

    /** Returns the ENV values, later instructions winning, with surrounding quotes removed. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Instruction env : all("ENV")) {
            environment.putAll(pairs(env.arguments()));
        }
        return environment;
    }

    /** Returns the ARG defaults. */
    Map<String, String> buildArguments() {
        Map<String, String> arguments = new LinkedHashMap<>();
        for (Instruction arg : all("ARG")) {
            String[] parts = arg.arguments().split("=", 2);
            arguments.put(parts[0].strip(), parts.length > 1 ? unquote(parts[1].strip()) : "");
        }
        return arguments;
    }

    /** Returns {@code text} with ${NAME} and $NAME replaced by ARG defaults and ENV values. */
    String substitute(String text) {
        Map<String, String> values = new LinkedHashMap<>(buildArguments());
        values.putAll(environment());
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            matcher.appendReplacement(result, Matcher.quoteReplacement(values.getOrDefault(name, matcher.group())));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** Returns the words of an exec-form (JSON array) or shell-form instruction. */
    static List<String> words(Instruction instruction) {
        String arguments = instruction.arguments().strip();
        if (arguments.startsWith("[")) {
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(arguments);
            return YamlNodes.list(parsed).stream().map(String::valueOf).toList();
        }
        return List.of(arguments.split("\\s+"));
    }

    private static void add(List<Instruction> instructions, String text, int line) {
        String[] parts = text.split("\\s+", 2);
        instructions.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "", line));
    }

    private static Map<String, String> pairs(String arguments) {
        Map<String, String> pairs = new LinkedHashMap<>();
        Matcher matcher = ENV_PAIR.matcher(arguments);
        boolean any = false;
        while (matcher.find()) {
            pairs.put(matcher.group(1), unquote(matcher.group(2)));
            any = true;
        }
        if (!any) {
            String[] legacy = arguments.split("\\s+", 2);
            pairs.put(legacy[0], legacy.length > 1 ? legacy[1] : "");
        }
        return pairs;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
