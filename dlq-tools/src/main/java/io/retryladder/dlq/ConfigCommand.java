package io.retryladder.dlq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retryladder.dlq.internal.Json;
import io.retryladder.dlq.internal.TextTable;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.Tier;
import io.retryladder.envelope.config.SecretMasking;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the effective settings and where each came from, with secrets masked, followed by the topics"
                    + " the other commands use. Connects to nothing."
        })
final class ConfigCommand implements Callable<Integer> {

    @ParentCommand
    DlqToolsCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table for people, or json for one JSON document, for scripts. Default: table.")
    OutputFormat output;

    @Override
    public Integer call() {
        Settings settings = connection.loadOffline(parent.context.environment());
        Map<String, String> values = new TreeMap<>();
        settings.config().values().forEach((name, value) -> values.put(name, printable(name, value)));
        settings.clientSettings().forEach((name, value) -> values.putIfAbsent(name, printable(name, value)));
        Map<String, String> topics = topics(settings.config());

        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.JSON) {
            out.println(Json.pretty(json(settings, values, topics)));
        } else {
            TextTable table = new TextTable(List.of("SETTING", "VALUE", "SOURCE"), 48, 80, 200);
            values.forEach((name, value) -> table.add(name, value, source(settings, name)));
            table.print(out);
            out.println();
            topics.forEach((role, topic) -> out.println("Topic of " + role + ": " + topic));
        }
        out.flush();
        return ExitCodes.SUCCESS;
    }

    private static Map<String, String> topics(DlqToolsConfig config) {
        Ladder ladder = config.ladder();
        Map<String, String> topics = new TreeMap<>();
        topics.put("dead letters", ladder.deadLetterTopic());
        topics.put("tiers", ladder.tiers().stream().map(ConfigCommand::tier).collect(Collectors.joining(", ")));
        topics.put("resolutions", config.resolvedTopic());
        topics.put("replay markers", config.markersTopic());
        topics.put("worker state", config.operationsChangelogTopic());
        return topics;
    }

    private static ObjectNode json(Settings settings, Map<String, String> values, Map<String, String> topics) {
        ObjectNode json = Json.object();
        ObjectNode settingsNode = json.putObject("settings");
        values.forEach((name, value) -> {
            ObjectNode node = settingsNode.putObject(name);
            node.put("value", value);
            node.put("source", source(settings, name));
        });
        ObjectNode topicsNode = json.putObject("topics");
        topics.forEach(topicsNode::put);
        return json;
    }

    private static String source(Settings settings, String name) {
        if (name.equals(DlqToolsConfig.BOOTSTRAP_SERVERS) && !settings.sources().containsKey(name)) {
            return "not set";
        }
        return settings.sources().getOrDefault(name, "default");
    }

    private static String tier(Tier tier) {
        return tier.topic() + " (" + Ladder.formatDelay(tier.delay()) + ")";
    }

    private static String printable(String name, Object value) {
        if (value == null) {
            return "(none)";
        }
        if (SecretMasking.isSecret(name)) {
            return SecretMasking.MASK;
        }
        if (value instanceof List<?> list) {
            String text = list.stream().map(Object::toString).collect(Collectors.joining(","));
            return text.isEmpty() ? "(empty)" : text;
        }
        String text = SecretMasking.printable(name, value);
        return text.isEmpty() ? "(empty)" : text;
    }
}
