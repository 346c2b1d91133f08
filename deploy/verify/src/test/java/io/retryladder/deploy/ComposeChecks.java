package io.retryladder.deploy;

import static io.retryladder.deploy.YamlNodes.get;
import static io.retryladder.deploy.YamlNodes.list;
import static io.retryladder.deploy.YamlNodes.map;
import static io.retryladder.deploy.YamlNodes.text;

import io.retryladder.worker.RetryWorkerConfig;
import io.retryladder.worker.internal.HealthServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks of docker-compose.yml against the worker's settings, endpoints and shutdown. */
final class ComposeChecks {

    static final String FILE = RepositoryFiles.COMPOSE;
    static final String KAFKA_IMAGE = "apache/kafka";
    static final String REGISTRY_IMAGE = "apicurio/apicurio-registry-mem";
    /** Where Apicurio Registry 2.x serves the Confluent-compatible API, on its image's port 8080. */
    static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    static final int REGISTRY_PORT = 8080;
    static final int WORKER_REPLICAS = 2;

    /** Broker settings a single-node KRaft cluster needs, with the reason for each. */
    private record BrokerSetting(String variable, String value, String reason) {}

    private static final List<BrokerSetting> SINGLE_NODE = List.of(
            new BrokerSetting(
                    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                    "1",
                    "the consumer offsets topic cannot have more replicas than brokers"),
            new BrokerSetting(
                    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                    "1",
                    "the transaction state log cannot have more replicas than brokers"),
            new BrokerSetting(
                    "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
                    "1",
                    "the workers' exactly-once transactions fail while the transaction log has fewer in-sync"
                            + " replicas than this"),
            new BrokerSetting(
                    "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS",
                    "0",
                    "a delay holds back the workers' first assignment for that long"));

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(h|ms|m|s|us)");

    private final RepositoryFiles files;
    private final Map<String, Object> services;

    ComposeChecks(RepositoryFiles files) {
        this.files = files;
        this.services = map(files.yaml(FILE).get("services"));
    }

    static String expectedKafkaImage() {
        return KAFKA_IMAGE + ":" + System.getProperty("kafka.version", "4.4.0");
    }

    static String expectedRegistryImage() {
        return REGISTRY_IMAGE + ":" + System.getProperty("apicurio.version", "2.6.13.Final");
    }

    /** Checks that Kafka and the registry run the versions the build tests against. */
    Problems images() {
        Problems problems = new Problems();
        checkImage(problems, KAFKA_IMAGE, expectedKafkaImage(), "the Kafka version in the root pom, kafka.version");
        checkImage(
                problems,
                REGISTRY_IMAGE,
                expectedRegistryImage(),
                "the Apicurio version in the root pom, apicurio.version");
        return problems;
    }

    /** Checks that Kafka runs as one KRaft node in both roles, with the single-node settings. */
    Problems kraftSingleNode() {
        Problems problems = new Problems();
        Optional<String> kafka = serviceWithImage(KAFKA_IMAGE);
        if (kafka.isEmpty()) {
            return problems.add(FILE, "services", "a service with image " + expectedKafkaImage(), "none", "add it");
        }
        String key = "services." + kafka.get() + ".environment";
        Map<String, String> environment = environment(services.get(kafka.get()));

        checkKraftRoles(problems, key, kafka.get(), environment);

        for (BrokerSetting setting : SINGLE_NODE) {
            String actual = environment.get(setting.variable());
            if (!setting.value().equals(actual)) {
                problems.add(
                        FILE,
                        key + "." + setting.variable(),
                        setting.value() + " because " + setting.reason(),
                        describe(actual),
                        "set " + setting.variable() + ": " + setting.value());
            }
        }
        return problems;
    }

    /** Checks for two worker replicas, counted over the services built from the worker Dockerfile. */
    Problems workerReplicas() {
        Problems problems = new Problems();
        List<String> workers = servicesBuiltFrom(RepositoryFiles.WORKER_DOCKERFILE);
        int replicas = 0;
        for (String worker : workers) {
            replicas += replicas(services.get(worker));
        }
        if (replicas != WORKER_REPLICAS) {
            problems.add(
                    FILE,
                    workers.isEmpty() ? "services" : "services." + String.join(",", workers) + ".deploy.replicas",
                    WORKER_REPLICAS + " worker replicas built from " + RepositoryFiles.WORKER_DOCKERFILE,
                    replicas + " in services " + workers,
                    "set deploy.replicas: " + WORKER_REPLICAS + " on the worker service");
        }
        return problems;
    }

    /** Checks that every RETRY_WORKER_* variable of a worker names a setting the worker uses. */
    Problems workerSettingsKnown() {
        Problems problems = new Problems();
        for (String worker : servicesBuiltFrom(RepositoryFiles.WORKER_DOCKERFILE)) {
            environment(services.get(worker)).forEach((variable, value) -> {
                if (variable.startsWith(WorkerSettings.PREFIX)) {
                    String setting = WorkerSettings.fromEnvironment(Map.of(variable, value))
                            .keySet()
                            .iterator()
                            .next();
                    SettingProblems.checkName(
                            problems, FILE, "services." + worker + ".environment." + variable, setting, variable);
                }
            });
        }
        return problems;
    }

    /**
     * Checks that the workers' settings are valid and reach the other services. They must name Kafka's
     * advertised listener and the registry's Confluent-compatible API, create topics, and allow the
     * downstream's host.
     */
    Problems workerWiring() {
        Problems problems = new Problems();
        for (String worker : servicesBuiltFrom(RepositoryFiles.WORKER_DOCKERFILE)) {
            String key = "services." + worker + ".environment.";
            Map<String, Object> settings = new LinkedHashMap<>(settings(worker));
            WorkerSettings.validationError(settings).ifPresent(invalid -> {
                String variable =
                        invalid.setting().map(WorkerSettings::variable).orElse("RETRY_WORKER_*");
                problems.add(
                        FILE,
                        key + variable,
                        "settings that RetryWorkerConfig accepts",
                        "'" + invalid.message() + "'",
                        "correct " + variable + " as the message says");
            });
            checkBootstrap(problems, key, settings);
            checkRegistryUrl(problems, key, settings);
            Object create = WorkerSettings.value(settings, RetryWorkerConfig.TOPICS_CREATE);
            if (!Boolean.TRUE.equals(create)) {
                problems.add(
                        FILE,
                        key + WorkerSettings.variable(RetryWorkerConfig.TOPICS_CREATE),
                        "true, because nothing else creates the tier and dead-letter topics here",
                        describe(settings.get(RetryWorkerConfig.TOPICS_CREATE)),
                        "set " + WorkerSettings.variable(RetryWorkerConfig.TOPICS_CREATE) + ": \"true\"");
            }
            checkAllowedHosts(problems, key, settings);
        }
        return problems;
    }

    /** Checks the published port, health check, stop grace period and start order of the workers. */
    Problems workerService() {
        Problems problems = new Problems();
        for (String worker : servicesBuiltFrom(RepositoryFiles.WORKER_DOCKERFILE)) {
            Object service = services.get(worker);
            Map<String, String> settings = settings(worker);
            int port = WorkerSettings.httpPort(settings);
            String key = "services." + worker;
            for (String containerPort : containerPorts(service)) {
                if (!containerPort.equals(String.valueOf(port))) {
                    problems.add(
                            FILE,
                            key + ".ports",
                            "container port " + port + " (" + RetryWorkerConfig.HTTP_PORT + ")",
                            containerPort,
                            "publish <host port>:" + port + ", or set "
                                    + WorkerSettings.variable(RetryWorkerConfig.HTTP_PORT) + " to " + containerPort);
                }
            }
            String test = healthcheck(service);
            if (!test.contains(HealthServer.READY_PATH) || !mentionsPort(test, port)) {
                problems.add(
                        FILE,
                        key + ".healthcheck.test",
                        "a request to " + HealthServer.READY_PATH + " on port " + port,
                        describe(test),
                        "probe http://127.0.0.1:" + port + HealthServer.READY_PATH);
            }
            checkGracePeriod(problems, key, service, settings);
            checkDependsOn(problems, key, service);
        }
        return problems;
    }

    /** Checks that the sample downstream is built from its Dockerfile and listens where it is published and probed. */
    Problems downstream() {
        Problems problems = new Problems();
        List<String> downstreams = servicesBuiltFrom(RepositoryFiles.DOWNSTREAM_DOCKERFILE);
        if (downstreams.size() != 1) {
            return problems.add(
                    FILE,
                    "services",
                    "one service built from " + RepositoryFiles.DOWNSTREAM_DOCKERFILE,
                    downstreams.toString(),
                    "add a downstream service with build.dockerfile: " + RepositoryFiles.DOWNSTREAM_DOCKERFILE);
        }

        String name = downstreams.get(0);
        Object service = services.get(name);
        List<String> command =
                list(get(service, "command")).stream().map(String::valueOf).toList();
        int at = command.indexOf("--port");
        String port = at >= 0 && at + 1 < command.size() ? command.get(at + 1) : null;
        if (port == null || !port.matches("\\d+")) {
            return problems.add(
                    FILE,
                    "services." + name + ".command",
                    "--port <port>",
                    command.toString(),
                    "pass --port to DownstreamMain");
        }

        for (String containerPort : containerPorts(service)) {
            if (!containerPort.equals(port)) {
                problems.add(
                        FILE,
                        "services." + name + ".ports",
                        "container port " + port + " (the --port of its command)",
                        containerPort,
                        "publish <host port>:" + port);
            }
        }

        if (!mentionsPort(healthcheck(service), Integer.parseInt(port))) {
            problems.add(
                    FILE,
                    "services." + name + ".healthcheck.test",
                    "a check of port " + port,
                    describe(healthcheck(service)),
                    "check that port " + port + " accepts connections");
        }
        return problems;
    }

    /** Checks that every service has a health check, so that depends_on can wait for it. */
    Problems healthchecks() {
        Problems problems = new Problems();
        services.forEach((name, service) -> {
            String test = healthcheck(service);
            if (test.isEmpty() || test.equals("NONE")) {
                problems.add(
                        FILE,
                        "services." + name + ".healthcheck.test",
                        "a health check",
                        "none",
                        "add a healthcheck whose test succeeds once the service accepts requests");
            }
        });
        return problems;
    }

    /** Returns the worker settings a service's environment sets; the image sets none. */
    Map<String, String> settings(String service) {
        return WorkerSettings.fromEnvironment(environment(services.get(service)));
    }

    /** Returns the services whose build uses {@code dockerfile}, a path from the repository root. */
    List<String> servicesBuiltFrom(String dockerfile) {
        List<String> built = new ArrayList<>();
        Path expected = Path.of(dockerfile).normalize();
        services.forEach((name, service) -> {
            Object build = get(service, "build");
            if (build == null) {
                return;
            }
            String context = build instanceof String path ? path : text(get(build, "context"));
            String file = build instanceof String ? "Dockerfile" : text(get(build, "dockerfile"));
            Path used = Path.of(context == null ? "." : context)
                    .resolve(file == null ? "Dockerfile" : file)
                    .normalize();
            if (used.equals(expected)) {
                built.add(name);
            }
        });
        return built;
    }

    Optional<String> serviceWithImage(String repository) {
        return services.entrySet().stream()
                .filter(entry -> {
                    String image = text(get(entry.getValue(), "image"));
                    return image != null && (image.equals(repository) || image.startsWith(repository + ":"));
                })
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** Returns a service's environment, written as a map or as a list of NAME=value. */
    static Map<String, String> environment(Object service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object node = get(service, "environment");
        map(node).forEach((name, value) -> environment.put(name, value == null ? "" : value.toString()));
        for (Object entry : list(node)) {
            String[] parts = String.valueOf(entry).split("=", 2);
            environment.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        return environment;
    }

    /** Returns a service's container count: deploy.replicas, scale, or 1. */
    static int replicas(Object service) {
        String replicas = text(get(service, "deploy", "replicas"));
        String scale = text(get(service, "scale"));
        String value = replicas != null ? replicas : scale;
        return value == null ? 1 : Integer.parseInt(value);
    }

    /** Returns the container side of each published port, in short or long syntax. */
    static List<String> containerPorts(Object service) {
        List<String> ports = new ArrayList<>();
        for (Object entry : list(get(service, "ports"))) {
            String port = entry instanceof Map<?, ?> ? text(get(entry, "target")) : String.valueOf(entry);
            if (port == null) {
                continue;
            }
            String target = port.substring(port.lastIndexOf(':') + 1);
            int protocol = target.indexOf('/');
            ports.add(protocol >= 0 ? target.substring(0, protocol) : target);
        }
        return ports;
    }

    /** Returns the health check's test as one line, or an empty string when there is none. */
    static String healthcheck(Object service) {
        Object test = get(service, "healthcheck", "test");
        if (test instanceof List<?> words) {
            return String.join(" ", words.stream().map(String::valueOf).toList());
        }
        return test == null ? "" : test.toString();
    }

    /** Returns a Compose duration such as 1m30s in seconds, rounded up, or empty when it is malformed. */
    static OptionalLong seconds(String duration) {
        if (duration.matches("\\d+")) {
            return OptionalLong.of(Long.parseLong(duration));
        }
        Matcher matcher = DURATION_PART.matcher(duration);
        long micros = 0;
        int consumed = 0;
        while (matcher.find()) {
            if (matcher.start() != consumed) {
                return OptionalLong.empty();
            }
            long amount = Long.parseLong(matcher.group(1));
            micros += switch (matcher.group(2)) {
                case "h" -> amount * 3_600_000_000L;
                case "m" -> amount * 60_000_000L;
                case "s" -> amount * 1_000_000L;
                case "ms" -> amount * 1_000L;
                default -> amount;
            };
            consumed = matcher.end();
        }
        if (consumed == 0 || consumed != duration.length()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((micros + 999_999) / 1_000_000);
    }

    private static void checkKraftRoles(Problems problems, String key, String kafka, Map<String, String> environment) {
        String roles = environment.getOrDefault("KAFKA_PROCESS_ROLES", "");
        if (!Set.of(roles.replace(" ", "").split(",")).containsAll(Set.of("broker", "controller"))) {
            problems.add(
                    FILE,
                    key + ".KAFKA_PROCESS_ROLES",
                    "broker,controller (one KRaft node in both roles)",
                    describe(roles),
                    "set KAFKA_PROCESS_ROLES: broker,controller");
        }

        for (String required : List.of("KAFKA_NODE_ID", "KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_LISTENERS")) {
            if (!environment.containsKey(required)) {
                problems.add(FILE, key + "." + required, "a value (KRaft needs it)", "none", "set " + required);
            }
        }

        if (!environment.containsKey("KAFKA_CONTROLLER_QUORUM_VOTERS")
                && !environment.containsKey("KAFKA_CONTROLLER_QUORUM_BOOTSTRAP_SERVERS")) {
            problems.add(
                    FILE,
                    key + ".KAFKA_CONTROLLER_QUORUM_VOTERS",
                    "the controller quorum, such as 1@" + kafka + ":9093",
                    "none",
                    "set KAFKA_CONTROLLER_QUORUM_VOTERS to <node id>@<service>:<controller port>");
        }

        if (environment.containsKey("KAFKA_ZOOKEEPER_CONNECT")) {
            problems.add(
                    FILE,
                    key + ".KAFKA_ZOOKEEPER_CONNECT",
                    "no ZooKeeper (Kafka 4 runs only in KRaft mode)",
                    environment.get("KAFKA_ZOOKEEPER_CONNECT"),
                    "remove the variable");
        }
    }

    private void checkImage(Problems problems, String repository, String expected, String source) {
        Optional<String> service = serviceWithImage(repository);
        if (service.isEmpty()) {
            problems.add(FILE, "services.*.image", expected, "no service with image " + repository, "add it");
            return;
        }
        String image = text(get(services.get(service.get()), "image"));
        if (!expected.equals(image)) {
            problems.add(
                    FILE,
                    "services." + service.get() + ".image",
                    expected + " (" + source + ")",
                    image,
                    "set image: " + expected);
        }
    }

    private void checkBootstrap(Problems problems, String key, Map<String, Object> settings) {
        Optional<String> kafka = serviceWithImage(KAFKA_IMAGE);
        if (kafka.isEmpty()) {
            return;
        }
        List<String> advertised = new ArrayList<>();
        String listeners = environment(services.get(kafka.get())).getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
        for (String listener : listeners.split(",")) {
            int scheme = listener.indexOf("://");
            String address = scheme >= 0 ? listener.substring(scheme + 3).strip() : listener.strip();
            if (!address.startsWith("localhost:") && !address.startsWith("127.0.0.1:")) {
                advertised.add(address);
            }
        }
        Object servers = settings.get(RetryWorkerConfig.BOOTSTRAP_SERVERS);
        List<String> bootstrap = servers == null
                ? List.of()
                : List.of(servers.toString().replace(" ", "").split(","));
        if (bootstrap.isEmpty() || !advertised.containsAll(bootstrap)) {
            problems.add(
                    FILE,
                    key + WorkerSettings.variable(RetryWorkerConfig.BOOTSTRAP_SERVERS),
                    "addresses that service " + kafka.get() + " advertises to other containers " + advertised,
                    describe(servers),
                    "set it to " + String.join(",", advertised));
        }
    }

    private void checkRegistryUrl(Problems problems, String key, Map<String, Object> settings) {
        Optional<String> registry = serviceWithImage(REGISTRY_IMAGE);
        if (registry.isEmpty()) {
            return;
        }
        String expected = "http://" + registry.get() + ":" + REGISTRY_PORT + CCOMPAT_PATH;
        Object url = settings.get("schema.registry.url");
        if (!expected.equals(url)) {
            problems.add(
                    FILE,
                    key + WorkerSettings.variable("schema.registry.url"),
                    expected + " (the registry's Confluent-compatible API)",
                    describe(url),
                    "set it to " + expected);
        }
    }

    private void checkAllowedHosts(Problems problems, String key, Map<String, Object> settings) {
        List<String> downstreams = servicesBuiltFrom(RepositoryFiles.DOWNSTREAM_DOCKERFILE);
        Object value = WorkerSettings.value(settings, RetryWorkerConfig.ALLOWED_HOSTS);
        List<String> allowed = list(value).stream().map(String::valueOf).toList();
        for (String downstream : downstreams) {
            boolean admitted = allowed.stream()
                    .anyMatch(pattern -> pattern.equals(downstream)
                            || (pattern.startsWith("*.") && downstream.endsWith(pattern.substring(1))));
            if (allowed.isEmpty() || !admitted) {
                problems.add(
                        FILE,
                        key + WorkerSettings.variable(RetryWorkerConfig.ALLOWED_HOSTS),
                        "an allow-list that contains the downstream's host name " + downstream,
                        allowed.isEmpty() ? "an empty list, which allows every host" : allowed.toString(),
                        "add " + downstream + " to the list");
            }
        }
    }

    private void checkGracePeriod(Problems problems, String key, Object service, Map<String, String> settings) {
        long needed = WorkerSettings.shutdownSeconds(settings);
        String configured = text(get(service, "stop_grace_period"));
        OptionalLong seconds = seconds(configured == null ? "10s" : configured);
        if (seconds.isEmpty() || seconds.getAsLong() < needed) {
            problems.add(
                    FILE,
                    key + ".stop_grace_period",
                    "at least " + needed + "s: " + RetryWorkerConfig.SHUTDOWN_DRAIN_TIMEOUT_MS + " ("
                            + WorkerSettings.drainTimeoutMs(settings) + " ms) plus the "
                            + WorkerSettings.STREAMS_CLOSE_TIMEOUT_SECONDS + " s Kafka Streams close",
                    configured == null ? "none (Compose then waits 10s before SIGKILL)" : configured,
                    "set stop_grace_period: " + (needed + 10) + "s");
        }
    }

    private void checkDependsOn(Problems problems, String key, Object service) {
        Object dependsOn = get(service, "depends_on");
        for (String repository : List.of(KAFKA_IMAGE, REGISTRY_IMAGE)) {
            Optional<String> dependency = serviceWithImage(repository);
            if (dependency.isEmpty()) {
                continue;
            }
            String condition = text(get(dependsOn, dependency.get(), "condition"));
            if (!"service_healthy".equals(condition)) {
                problems.add(
                        FILE,
                        key + ".depends_on." + dependency.get() + ".condition",
                        "service_healthy, so that workers start once " + dependency.get() + " answers",
                        describe(condition),
                        "add depends_on: {" + dependency.get() + ": {condition: service_healthy}}");
            }
        }
    }

    private static boolean mentionsPort(String text, int port) {
        return Pattern.compile("(?<![0-9])" + port + "(?![0-9])").matcher(text).find();
    }

    private static String describe(Object value) {
        return value == null || value.toString().isEmpty() ? "nothing" : "'" + value + "'";
    }
}
