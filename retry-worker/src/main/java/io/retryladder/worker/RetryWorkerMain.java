package io.retryladder.worker;

import io.retryladder.envelope.config.SecretMasking;
import io.retryladder.envelope.config.SettingsSources;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs a retry worker as a service: {@code java -jar retry-worker.jar [--config worker.properties]}.
 * Settings come from the properties file and from environment variables that start with
 * {@value RetryWorkerConfig#ENVIRONMENT_PREFIX}; a variable wins over the file.
 *
 * <p>Exit codes: 0 after a clean shutdown, 1 when the worker failed, 2 for invalid arguments or
 * settings.
 */
public final class RetryWorkerMain {

    private static final String USAGE = """
            Usage: java -jar retry-worker.jar [--config FILE] [--print-settings]

            Runs a retry worker until it receives SIGTERM or SIGINT.

              --config FILE      properties file with worker settings (optional)
              --print-settings   print the effective settings, secrets masked, and exit
              --help             print this help and exit

            Environment variables that start with RETRY_WORKER_ set settings too and win over
            the file: RETRY_WORKER_BOOTSTRAP_SERVERS sets bootstrap.servers.
            """;

    /** Finds the setting name in the messages of {@link ConfigException}. */
    private static final Pattern SETTING_NAME = Pattern.compile("(?:for configuration|^Unknown setting) ([^\\s:;]+)");

    private static final Pattern INVALID_VALUE = Pattern.compile("^Invalid value (.*) for configuration ");

    private static final Pattern MISSING_NAME = Pattern.compile("^Missing required configuration \"([^\"]+)\"");

    /** The prefixes with which Kafka Streams passes a setting to one kind of its clients. */
    private static final List<String> CLIENT_PREFIXES =
            List.of("main.consumer.", "restore.consumer.", "global.consumer.", "consumer.", "producer.", "admin.");

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private RetryWorkerMain() {}

    public static void main(String[] args) {
        widenCommonPool();
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Gives the common fork-join pool at least two threads unless the command line sets its size.
     * With one, which the JDK picks on machines with two CPUs or fewer, {@code CompletableFuture}
     * runs its default asynchronous steps on a new thread each, and the JDK HTTP client takes such
     * a step for every response. This runs before anything touches the pool, which reads the
     * property once.
     */
    private static void widenCommonPool() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null
                && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }

    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        Path configFile = null;
        boolean printSettings = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        err.println("--config needs a file name");
                        return 2;
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--print-settings" -> printSettings = true;
                default -> {
                    err.println("Unknown argument '" + args[i] + "'\n\n" + USAGE);
                    return 2;
                }
            }
        }
        Map<String, Object> settings;
        RetryWorkerConfig config;
        try {
            settings = SettingsSources.load(configFile, environment, RetryWorkerConfig.ENVIRONMENT_PREFIX);
            config = new RetryWorkerConfig(settings);
            RetryWorker.checkClientSettings(config);
            config.checkStateDirectory();
        } catch (ConfigException e) {
            err.println(invalidSettingsMessage(e, environment, configFile));
            return 2;
        } catch (IllegalArgumentException e) {
            if (configFile != null && !Files.isRegularFile(configFile)) {
                err.println(e.getMessage() + "; pass the path of a readable properties file to --config");
            } else {
                err.println("Invalid worker settings: " + e.getMessage());
            }
            return 2;
        } catch (UncheckedIOException e) {
            err.println(e.getMessage() + "; pass the path of a readable properties file to --config");
            return 2;
        }
        if (printSettings) {
            SecretMasking.masked(effectiveSettings(config)).forEach((name, value) -> out.println(name + "=" + value));
            return 0;
        }
        return runUntilStopped(settings, environment, configFile, err);
    }

    /**
     * Returns every setting given, every declared setting with its value or default, and the
     * worker's defaults for Kafka Streams and its clients.
     */
    private static Map<String, Object> effectiveSettings(RetryWorkerConfig config) {
        Map<String, Object> effective = new HashMap<>(config.originals());
        config.values().forEach((name, value) -> effective.put(name, printable(value)));
        Properties clients = new Properties();
        clients.putAll(config.passThroughSettings());
        RetryWorker.applyClientDefaults(clients);
        clients.forEach((name, value) -> effective.put(String.valueOf(name), value));
        return effective;
    }

    /**
     * Returns the message for invalid settings: Kafka's text, where the value was given (the
     * environment variable or the --config file) and, for a setting the worker passes to Kafka, the
     * prefixes that also reach it.
     */
    static String invalidSettingsMessage(ConfigException invalid, Map<String, String> environment, Path configFile) {
        String text = String.valueOf(invalid.getMessage());
        StringBuilder message = new StringBuilder("Invalid worker settings: ").append(sentence(text));

        Matcher missing = MISSING_NAME.matcher(text);
        if (missing.find()) {
            String name = missing.group(1);
            return message.append(" Set ")
                    .append(name)
                    .append(" in the --config file or with the environment variable ")
                    .append(SettingsSources.variableName(RetryWorkerConfig.ENVIRONMENT_PREFIX, name))
                    .append('.')
                    .toString();
        }

        Matcher named = SETTING_NAME.matcher(text);
        if (!named.find()) {
            return message.append(" Correct it in the --config file or in its ")
                    .append(RetryWorkerConfig.ENVIRONMENT_PREFIX)
                    .append("* environment variable.")
                    .toString();
        }

        String name = named.group(1);
        boolean unknownName = text.startsWith("Unknown setting");
        String origin = origin(name, unknownName ? null : invalidValue(text), environment, configFile);
        if (origin.isEmpty()) {
            message.append(" Correct it in the --config file or in its ")
                    .append(RetryWorkerConfig.ENVIRONMENT_PREFIX)
                    .append("* environment variable.");
        } else {
            message.append(unknownName ? " The setting comes from " : " The value comes from ")
                    .append(origin);
        }

        List<String> prefixes = clientPrefixes(name);
        if (!unknownName && !prefixes.isEmpty()) {
            String listed = prefixes.size() == 1
                    ? prefixes.get(0)
                    : String.join(", ", prefixes.subList(0, prefixes.size() - 1)) + " or "
                            + prefixes.get(prefixes.size() - 1);
            message.append(" Kafka Streams also reads this setting after a client prefix (")
                    .append(listed)
                    .append(").");
        }
        return message.toString();
    }

    /** Returns the prefixes with which Kafka Streams passes {@code name} to the clients that declare it. */
    private static List<String> clientPrefixes(String name) {
        List<String> prefixes = new ArrayList<>();
        if (ConsumerConfig.configNames().contains(name)) {
            prefixes.addAll(List.of("main.consumer.", "restore.consumer.", "global.consumer.", "consumer."));
        }
        if (ProducerConfig.configNames().contains(name)) {
            prefixes.add("producer.");
        }
        if (AdminClientConfig.configNames().contains(name)) {
            prefixes.add("admin.");
        }
        return prefixes;
    }

    /** Returns {@code text} ending in one full stop, question mark or exclamation mark. */
    private static String sentence(String text) {
        String trimmed = text.strip();
        if (trimmed.endsWith(".") || trimmed.endsWith("?") || trimmed.endsWith("!")) {
            return trimmed;
        }
        return trimmed + ".";
    }

    /**
     * Returns where {@code name} was given, with or without a client prefix, as the end of a
     * sentence, or an empty string when it was not given. Where several places give it, those holding
     * {@code value} are named, if any.
     */
    static String origin(String name, String value, Map<String, String> environment, Path configFile) {
        List<String> candidates = new ArrayList<>();
        candidates.add(name);
        for (String prefix : CLIENT_PREFIXES) {
            candidates.add(prefix + name);
        }
        Map<String, String> variables = new HashMap<>();
        environment.keySet().stream()
                .filter(variable -> variable.startsWith(RetryWorkerConfig.ENVIRONMENT_PREFIX)
                        && variable.length() > RetryWorkerConfig.ENVIRONMENT_PREFIX.length())
                .forEach(variable -> variables.put(
                        SettingsSources.settingName(variable.substring(RetryWorkerConfig.ENVIRONMENT_PREFIX.length())),
                        variable));
        Map<String, String> fileSettings = configFile != null ? SettingsSources.readFile(configFile) : Map.of();
        List<String> places = new ArrayList<>();
        List<String> placesWithValue = new ArrayList<>();
        for (String candidate : candidates) {
            String place;
            String rawValue;
            if (variables.containsKey(candidate)) {
                place = "the environment variable " + variables.get(candidate) + " (" + candidate + ")";
                rawValue = environment.get(variables.get(candidate));
            } else if (fileSettings.containsKey(candidate)) {
                place = candidate + " in " + configFile;
                rawValue = fileSettings.get(candidate);
            } else {
                continue;
            }
            places.add(place);
            if (value != null && value.trim().equals(rawValue.trim())) {
                placesWithValue.add(place);
            }
        }
        List<String> named = placesWithValue.isEmpty() ? places : placesWithValue;
        return named.isEmpty() ? "" : String.join(" and ", named) + ".";
    }

    /** Returns the value in a message of the form "Invalid value V for configuration N", or null. */
    private static String invalidValue(String message) {
        Matcher matcher = INVALID_VALUE.matcher(message);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static Object printable(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return value;
    }

    private static int runUntilStopped(
            Map<String, Object> settings, Map<String, String> environment, Path configFile, PrintStream err) {
        RetryWorker worker;
        try {
            worker = RetryWorker.start(settings);
        } catch (RuntimeException e) {
            ConfigException invalid = RetryWorker.causeOfType(e, ConfigException.class);
            if (invalid != null) {
                err.println(invalidSettingsMessage(invalid, environment, configFile));
                return 2;
            }
            StartupException failedCheck = RetryWorker.causeOfType(e, StartupException.class);
            if (failedCheck != null) {
                err.println("The retry worker failed to start: " + failedCheck.getMessage());
                return 1;
            }
            err.println("The retry worker failed to start: " + e.getMessage());
            e.printStackTrace(err);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            worker.close();
                            stopped.countDown();
                        },
                        "retry-worker-shutdown"));
        try {
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                String failure = worker.failure();
                if (failure != null) {
                    err.println("The retry worker stopped: " + failure);
                    worker.close();
                    return 1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
