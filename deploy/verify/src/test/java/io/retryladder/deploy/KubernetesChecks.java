package io.retryladder.deploy;

import static io.retryladder.deploy.YamlNodes.get;
import static io.retryladder.deploy.YamlNodes.list;
import static io.retryladder.deploy.YamlNodes.map;
import static io.retryladder.deploy.YamlNodes.text;

import io.retryladder.worker.RetryWorkerConfig;
import io.retryladder.worker.internal.HealthServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Checks of the Kubernetes manifests in deploy/kubernetes against the worker and its image. */
final class KubernetesChecks {

    /** A parsed manifest document and the file it came from. */
    record Manifest(String file, Map<String, Object> document) {
        String kind() {
            return text(document.get("kind"));
        }

        String name() {
            return text(get(document, "metadata", "name"));
        }
    }

    /** Seconds beyond the drain and the Kafka Streams close for the final commit wait and the JVM's exit. */
    static final int SHUTDOWN_MARGIN_SECONDS = 5;

    private final RepositoryFiles files;
    private final List<Manifest> manifests;

    KubernetesChecks(RepositoryFiles files) {
        this.files = files;
        this.manifests = load(files);
    }

    /** Checks that kustomization.yaml lists every manifest of the directory and that each listed file exists. */
    Problems kustomization() {
        Problems problems = new Problems();
        List<String> resources = resources(files);
        for (String resource : resources) {
            if (!files.exists(RepositoryFiles.KUBERNETES + "/" + resource)) {
                problems.add(
                        RepositoryFiles.KUSTOMIZATION,
                        "resources." + resource,
                        "a file " + RepositoryFiles.KUBERNETES + "/" + resource,
                        "no such file",
                        "create it or remove it from resources");
            }
        }
        for (String file : files.list(RepositoryFiles.KUBERNETES)) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            if (name.endsWith(".yaml") && !name.equals("kustomization.yaml") && !resources.contains(name)) {
                problems.add(
                        RepositoryFiles.KUSTOMIZATION,
                        "resources",
                        "an entry for every manifest in " + RepositoryFiles.KUBERNETES,
                        "no entry for " + name,
                        "add '- " + name + "' to resources");
            }
        }
        for (String kind : List.of("Deployment", "ConfigMap", "Service", "PodDisruptionBudget")) {
            if (find(kind).isEmpty()) {
                problems.add(
                        RepositoryFiles.KUSTOMIZATION,
                        "resources",
                        "a " + kind + " among the resources",
                        "none",
                        "add a manifest of kind " + kind);
            }
        }
        return problems;
    }

    /** Checks that the container port and the Prometheus scrape port are the worker's retry.http.port. */
    Problems containerPort() {
        Problems problems = new Problems();
        Optional<Manifest> deployment = find("Deployment");
        if (deployment.isEmpty()) {
            return problems;
        }
        int port = WorkerSettings.httpPort(settings());
        List<String> ports = new ArrayList<>();
        for (Object entry : list(container().get("ports"))) {
            ports.add(text(get(entry, "containerPort")));
        }
        if (!ports.contains(String.valueOf(port))) {
            problems.add(
                    deployment.get().file(),
                    containerKey() + ".ports",
                    "containerPort " + port + ", the worker's " + RetryWorkerConfig.HTTP_PORT
                            + " from the ConfigMap, the environment or its default",
                    ports.isEmpty() ? "no ports" : ports.toString(),
                    "set containerPort: " + port + ", or change " + RetryWorkerConfig.HTTP_PORT + " to match");
        }

        String scrapePort = text(
                get(deployment.get().document(), "spec", "template", "metadata", "annotations", "prometheus.io/port"));
        if (scrapePort != null && !scrapePort.equals(String.valueOf(port))) {
            problems.add(
                    deployment.get().file(),
                    "spec.template.metadata.annotations.prometheus.io/port",
                    "\"" + port + "\", the port that serves " + HealthServer.METRICS_PATH,
                    scrapePort,
                    "set prometheus.io/port: \"" + port + "\"");
        }
        return problems;
    }

    /** Checks that the probes use HealthServer's paths on the worker's HTTP port. */
    Problems probes() {
        Problems problems = new Problems();
        Optional<Manifest> deployment = find("Deployment");
        if (deployment.isEmpty()) {
            return problems;
        }
        int port = WorkerSettings.httpPort(settings());
        checkProbe(problems, deployment.get(), "livenessProbe", HealthServer.LIVE_PATH, port, true);
        checkProbe(problems, deployment.get(), "readinessProbe", HealthServer.READY_PATH, port, true);
        checkProbe(problems, deployment.get(), "startupProbe", HealthServer.LIVE_PATH, port, false);
        return problems;
    }

    /** Checks that Kubernetes waits long enough for the graceful shutdown before it sends SIGKILL. */
    Problems terminationGracePeriod() {
        Problems problems = new Problems();
        Optional<Manifest> deployment = find("Deployment");
        if (deployment.isEmpty()) {
            return problems;
        }
        Map<String, Object> settings = settings();
        long needed = WorkerSettings.shutdownSeconds(settings) + SHUTDOWN_MARGIN_SECONDS;
        String configured =
                text(get(deployment.get().document(), "spec", "template", "spec", "terminationGracePeriodSeconds"));
        long seconds = configured == null ? 30 : Long.parseLong(configured);
        if (seconds < needed) {
            problems.add(
                    deployment.get().file(),
                    "spec.template.spec.terminationGracePeriodSeconds",
                    "at least " + needed + ": " + RetryWorkerConfig.SHUTDOWN_DRAIN_TIMEOUT_MS + " ("
                            + WorkerSettings.drainTimeoutMs(settings) + " ms) plus the "
                            + WorkerSettings.STREAMS_CLOSE_TIMEOUT_SECONDS + " s Kafka Streams close plus "
                            + SHUTDOWN_MARGIN_SECONDS + " s",
                    configured == null ? "none (Kubernetes then waits 30 s)" : configured,
                    "set terminationGracePeriodSeconds: " + needed + " or more, or lower the drain timeout");
        }
        return problems;
    }

    /** Checks that the container requests CPU and memory and has the memory limit the JVM flags size against. */
    Problems resources() {
        Problems problems = new Problems();
        Optional<Manifest> deployment = find("Deployment");
        if (deployment.isEmpty()) {
            return problems;
        }
        Map<String, Object> resources = map(container().get("resources"));
        for (String[] path : List.of(
                new String[] {"requests", "cpu"}, new String[] {"requests", "memory"}, new String[] {"limits", "memory"
                })) {
            if (text(get(resources, path)) == null) {
                problems.add(
                        deployment.get().file(),
                        containerKey() + ".resources." + String.join(".", path),
                        "a value (the heap is a percentage of the memory limit)",
                        "none",
                        "set resources." + String.join(".", path));
            }
        }
        return problems;
    }

    /** Checks for writable volumes where state.dir resolves, and at /tmp when the root is read-only. */
    Problems volumes() {
        Problems problems = new Problems();
        Optional<Manifest> deployment = find("Deployment");
        if (deployment.isEmpty()) {
            return problems;
        }
        String file = deployment.get().file();
        Optional<String> stateDir = stateDirectory();
        if (stateDir.isEmpty()) {
            return problems.add(
                    file,
                    containerKey() + ".volumeMounts",
                    "an absolute state.dir",
                    "a relative state.dir and no working directory to resolve it",
                    "set state.dir to an absolute path in the ConfigMap");
        }
        checkWritableMount(problems, file, stateDir.get(), "state.dir (RocksDB state)");
        if (Boolean.TRUE.equals(get(container(), "securityContext", "readOnlyRootFilesystem"))) {
            checkWritableMount(problems, file, "/tmp", "java.io.tmpdir, where RocksDB unpacks its native library");
        }
        return problems;
    }

    /** Checks that the container reads worker.properties from the ConfigMap through --config. */
    Problems configFile() {
        Problems problems = new Problems();
        Optional<Manifest> deployment = find("Deployment");
        Optional<Manifest> configMap = find("ConfigMap");
        if (deployment.isEmpty() || configMap.isEmpty()) {
            return problems;
        }

        String file = deployment.get().file();
        Optional<String> path = configPath();
        if (path.isEmpty()) {
            return problems.add(
                    file,
                    containerKey() + ".args",
                    "--config <mounted worker.properties>",
                    String.valueOf(container().get("args")),
                    "pass args: [\"--config\", \"/etc/retry-worker/worker.properties\"]");
        }

        int slash = path.get().lastIndexOf('/');
        String directory = slash > 0 ? path.get().substring(0, slash) : "(the working directory)";
        String key = path.get().substring(slash + 1);
        Optional<String> volume = volumeMountedAt(directory);
        String configMapName = volume.map(name -> text(get(volumeNamed(name), "configMap", "name")))
                .orElse(null);
        if (!configMap.get().name().equals(configMapName)) {
            problems.add(
                    file,
                    containerKey() + ".volumeMounts",
                    "the ConfigMap " + configMap.get().name() + " mounted at " + directory,
                    configMapName == null ? "no ConfigMap volume there" : "ConfigMap " + configMapName,
                    "mount a configMap volume of " + configMap.get().name() + " at " + directory);
        }

        if (!map(configMap.get().document().get("data")).containsKey(key)) {
            problems.add(
                    configMap.get().file(),
                    "data." + key,
                    "the file that --config names",
                    "keys " + map(configMap.get().document().get("data")).keySet(),
                    "name the data key " + key);
        }
        return problems;
    }

    /** Checks that every ConfigMap setting and RETRY_WORKER_* variable names a setting the worker uses. */
    Problems settingNames() {
        Problems problems = new Problems();
        configProperties()
                .ifPresent(properties -> properties
                        .keySet()
                        .forEach(name -> SettingProblems.checkName(
                                problems, properties.file(), "data." + properties.key() + ": " + name, name, null)));
        Optional<Manifest> deployment = find("Deployment");
        for (Map.Entry<String, Object> variable : environment().entrySet()) {
            if (variable.getKey().startsWith(WorkerSettings.PREFIX)) {
                String setting = WorkerSettings.fromEnvironment(Map.of(variable.getKey(), ""))
                        .keySet()
                        .iterator()
                        .next();
                SettingProblems.checkName(
                        problems,
                        deployment.map(Manifest::file).orElse(RepositoryFiles.KUBERNETES),
                        containerKey() + ".env." + variable.getKey(),
                        setting,
                        variable.getKey());
            }
        }
        return problems;
    }

    /** Checks that secret settings come from a Secret, not from the ConfigMap or a plain env value. */
    Problems secrets() {
        Problems problems = new Problems();
        configProperties()
                .ifPresent(properties -> properties.keySet().stream()
                        .filter(WorkerSettings::isSecret)
                        .forEach(name -> problems.add(
                                properties.file(),
                                "data." + properties.key() + ": " + name,
                                "no secret values in a ConfigMap",
                                "the secret setting " + name,
                                "remove it and set " + WorkerSettings.variable(name)
                                        + " from a secretKeyRef in the Deployment")));
        Optional<Manifest> deployment = find("Deployment");
        for (Object entry : list(container().get("env"))) {
            String variable = text(get(entry, "name"));
            if (variable == null || !variable.startsWith(WorkerSettings.PREFIX)) {
                continue;
            }
            String setting = WorkerSettings.fromEnvironment(Map.of(variable, ""))
                    .keySet()
                    .iterator()
                    .next();
            if (WorkerSettings.isSecret(setting) && get(entry, "valueFrom", "secretKeyRef") == null) {
                problems.add(
                        deployment.map(Manifest::file).orElse(RepositoryFiles.KUBERNETES),
                        containerKey() + ".env." + variable,
                        "valueFrom.secretKeyRef for the secret setting " + setting,
                        get(entry, "value") != null ? "a plain value" : String.valueOf(get(entry, "valueFrom")),
                        "read it from a Secret with valueFrom.secretKeyRef");
            }
        }
        return problems;
    }

    /** Checks that the ConfigMap's file with the environment on top is a valid RetryWorkerConfig. */
    Problems settingsValid() {
        Problems problems = new Problems();
        WorkerSettings.validationError(settings()).ifPresent(invalid -> {
            String setting = invalid.setting().orElse("");
            String variable = WorkerSettings.variable(setting);
            boolean fromEnvironment = environment().containsKey(variable);
            Optional<Manifest> source = find(fromEnvironment ? "Deployment" : "ConfigMap");
            String key = fromEnvironment
                    ? containerKey() + ".env." + variable
                    : "data." + configProperties().map(ConfigProperties::key).orElse("worker.properties") + ": "
                            + invalid.setting().orElse("(the settings with the Deployment's env)");
            problems.add(
                    source.map(Manifest::file).orElse(RepositoryFiles.KUBERNETES),
                    key,
                    "settings that RetryWorkerConfig accepts",
                    "'" + invalid.message() + "'",
                    "correct " + invalid.setting().orElse("the setting") + " as the message says");
        });
        return problems;
    }

    /** Checks that the metrics Service selects the worker pods and targets the HTTP port. */
    Problems service() {
        Problems problems = new Problems();
        Optional<Manifest> service = find("Service");
        Optional<Manifest> deployment = find("Deployment");
        if (service.isEmpty() || deployment.isEmpty()) {
            return problems;
        }
        checkSelector(
                problems, service.get(), "spec.selector", map(get(service.get().document(), "spec", "selector")));
        int port = WorkerSettings.httpPort(settings());
        List<Object> ports = list(get(service.get().document(), "spec", "ports"));
        boolean targetsHttp = false;
        for (Object entry : ports) {
            Object target = get(entry, "targetPort");
            targetsHttp |= String.valueOf(port).equals(resolvePort(target == null ? get(entry, "port") : target));
        }
        if (!targetsHttp) {
            problems.add(
                    service.get().file(),
                    "spec.ports.targetPort",
                    "the worker's HTTP port " + port + ", by number or by the container port's name",
                    ports.toString(),
                    "set targetPort to the name of the container port " + port);
        }
        return problems;
    }

    /** Checks that the PodDisruptionBudget selects the worker pods and lets one of them go at a time. */
    Problems podDisruptionBudget() {
        Problems problems = new Problems();
        Optional<Manifest> budget = find("PodDisruptionBudget");
        if (budget.isEmpty() || find("Deployment").isEmpty()) {
            return problems;
        }
        Map<String, Object> spec = map(budget.get().document().get("spec"));
        checkSelector(problems, budget.get(), "spec.selector.matchLabels", map(get(spec, "selector", "matchLabels")));
        String maxUnavailable = text(spec.get("maxUnavailable"));
        String minAvailable = text(spec.get("minAvailable"));
        String replicas = text(get(find("Deployment").get().document(), "spec", "replicas"));
        boolean blocksEveryDrain = "0".equals(maxUnavailable)
                || (minAvailable != null && replicas != null && minAvailable.equals(replicas));
        if ((maxUnavailable == null && minAvailable == null) || blocksEveryDrain) {
            problems.add(
                    budget.get().file(),
                    "spec",
                    "maxUnavailable of at least 1 or minAvailable below the " + replicas + " replicas",
                    "maxUnavailable " + (maxUnavailable == null ? "not set" : maxUnavailable) + ", minAvailable "
                            + (minAvailable == null ? "not set" : minAvailable),
                    "set maxUnavailable: 1");
        }
        return problems;
    }

    /** Returns the worker settings the pods see: the ConfigMap's file with the container's env on top. */
    Map<String, Object> settings() {
        Map<String, String> file =
                configProperties().map(ConfigProperties::values).orElse(Map.of());
        Map<String, String> environment = new LinkedHashMap<>();
        environment().forEach((name, value) -> environment.put(name, String.valueOf(value)));
        return WorkerSettings.merged(file, environment);
    }

    Optional<Manifest> find(String kind) {
        return manifests.stream().filter(m -> kind.equals(m.kind())).findFirst();
    }

    /** The worker.properties entry of the ConfigMap that --config reads. */
    record ConfigProperties(String file, String key, Map<String, String> values) {
        Set<String> keySet() {
            return values.keySet();
        }
    }

    private Optional<ConfigProperties> configProperties() {
        Optional<Manifest> configMap = find("ConfigMap");
        if (configMap.isEmpty()) {
            return Optional.empty();
        }
        String key = configPath()
                .map(path -> path.substring(path.lastIndexOf('/') + 1))
                .orElse("worker.properties");
        String text = text(get(configMap.get().document(), "data", key));
        return Optional.of(new ConfigProperties(
                configMap.get().file(), key, text == null ? Map.of() : RepositoryFiles.properties(text)));
    }

    /** Returns the container's env by name: plain values, or a placeholder for valueFrom entries. */
    private Map<String, Object> environment() {
        Map<String, Object> environment = new LinkedHashMap<>();
        for (Object entry : list(container().get("env"))) {
            String name = text(get(entry, "name"));
            if (name != null) {
                Object value = get(entry, "value");
                environment.put(
                        name,
                        value != null
                                ? value
                                : "<from " + map(get(entry, "valueFrom")).keySet() + ">");
            }
        }
        return environment;
    }

    private Map<String, Object> container() {
        List<Object> containers = containers();
        for (Object container : containers) {
            String image = text(get(container, "image"));
            if (image != null && image.contains("retry-worker")) {
                return map(container);
            }
        }
        return containers.isEmpty() ? Map.of() : map(containers.get(0));
    }

    private List<Object> containers() {
        return find("Deployment")
                .map(d -> list(get(d.document(), "spec", "template", "spec", "containers")))
                .orElse(List.of());
    }

    private String containerKey() {
        return "spec.template.spec.containers[" + text(container().get("name")) + "]";
    }

    private Optional<String> configPath() {
        List<String> args =
                list(container().get("args")).stream().map(String::valueOf).toList();
        int at = args.indexOf("--config");
        return at >= 0 && at + 1 < args.size() ? Optional.of(args.get(at + 1)) : Optional.empty();
    }

    /** Returns the absolute directory state.dir names inside the container. */
    private Optional<String> stateDirectory() {
        Object stateDir = settings().get(RetryWorkerConfig.STATE_DIR);
        if (stateDir == null) {
            String workingDir = text(container().get("workingDir"));
            if (workingDir != null) {
                return Optional.of(workingDir + "/" + WorkerSettings.value(Map.of(), RetryWorkerConfig.STATE_DIR));
            }
            return DockerfileChecks.stateDirectory(new DockerfileChecks(files).worker());
        }
        String path = stateDir.toString();
        if (path.startsWith("/")) {
            return Optional.of(path);
        }
        String workingDir = text(container().get("workingDir"));
        if (workingDir == null) {
            workingDir = new DockerfileChecks(files)
                    .worker()
                    .last("WORKDIR")
                    .map(w -> w.arguments())
                    .orElse(null);
        }
        return workingDir == null ? Optional.empty() : Optional.of(workingDir + "/" + path);
    }

    private void checkWritableMount(Problems problems, String file, String path, String purpose) {
        Optional<String> volume = volumeMountedAt(path);
        Map<String, Object> definition = volume.map(this::volumeNamed).orElse(Map.of());
        boolean writable = definition.containsKey("emptyDir")
                || definition.containsKey("persistentVolumeClaim")
                || definition.containsKey("ephemeral");
        if (!writable) {
            problems.add(
                    file,
                    containerKey() + ".volumeMounts",
                    "an emptyDir or persistent volume mounted at " + path + " for " + purpose,
                    volume.map(name -> "volume " + name + " " + definition.keySet())
                            .orElse("no volume there"),
                    "mount an emptyDir volume at " + path);
        }
    }

    private Optional<String> volumeMountedAt(String path) {
        for (Object mount : list(container().get("volumeMounts"))) {
            String mountPath = text(get(mount, "mountPath"));
            if (mountPath != null && stripSlash(mountPath).equals(stripSlash(path))) {
                return Optional.ofNullable(text(get(mount, "name")));
            }
        }
        return Optional.empty();
    }

    private Map<String, Object> volumeNamed(String name) {
        for (Object volume : list(get(find("Deployment").get().document(), "spec", "template", "spec", "volumes"))) {
            if (name.equals(text(get(volume, "name")))) {
                return map(volume);
            }
        }
        return Map.of();
    }

    private void checkProbe(
            Problems problems, Manifest deployment, String probe, String path, int port, boolean required) {
        Object httpGet = get(container(), probe, "httpGet");
        String key = containerKey() + "." + probe + ".httpGet";
        if (httpGet == null) {
            if (required) {
                problems.add(
                        deployment.file(),
                        key,
                        "an HTTP probe of " + path,
                        "none",
                        "add " + probe + ": {httpGet: {path: " + path + ", port: " + port + "}}");
            }
            return;
        }
        String actualPath = text(get(httpGet, "path"));
        if (!path.equals(actualPath)) {
            problems.add(
                    deployment.file(),
                    key + ".path",
                    path + " (HealthServer)",
                    String.valueOf(actualPath),
                    "set path: " + path);
        }
        String actualPort = resolvePort(get(httpGet, "port"));
        if (!String.valueOf(port).equals(actualPort)) {
            problems.add(
                    deployment.file(),
                    key + ".port",
                    port + ", the worker's " + RetryWorkerConfig.HTTP_PORT,
                    get(httpGet, "port") instanceof String name && !name.equals(actualPort)
                            ? name + " (" + (actualPort == null ? "no container port of that name" : actualPort) + ")"
                            : String.valueOf(get(httpGet, "port")),
                    "set port to the name or number of container port " + port);
        }
    }

    /** Returns a port given by number, or by the name of a container port, as a number. */
    private String resolvePort(Object port) {
        if (port instanceof Number || (port != null && port.toString().matches("\\d+"))) {
            return port.toString();
        }
        for (Object entry : list(container().get("ports"))) {
            if (port != null && port.toString().equals(text(get(entry, "name")))) {
                return text(get(entry, "containerPort"));
            }
        }
        return null;
    }

    private void checkSelector(Problems problems, Manifest manifest, String key, Map<String, Object> selector) {
        Map<String, Object> labels =
                map(get(find("Deployment").get().document(), "spec", "template", "metadata", "labels"));
        boolean selects = !selector.isEmpty()
                && selector.entrySet().stream()
                        .allMatch(label ->
                                String.valueOf(label.getValue()).equals(String.valueOf(labels.get(label.getKey()))));
        if (!selects) {
            problems.add(
                    manifest.file(),
                    key,
                    "labels that the worker pods carry " + labels,
                    selector.toString(),
                    "select app.kubernetes.io/name: " + labels.get("app.kubernetes.io/name"));
        }
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static List<String> resources(RepositoryFiles files) {
        return list(files.yaml(RepositoryFiles.KUSTOMIZATION).get("resources")).stream()
                .map(String::valueOf)
                .toList();
    }

    private static List<Manifest> load(RepositoryFiles files) {
        List<Manifest> manifests = new ArrayList<>();
        for (String resource : resources(files)) {
            String file = RepositoryFiles.KUBERNETES + "/" + resource;
            if (files.exists(file)) {
                for (Map<String, Object> document : files.yamlDocuments(file)) {
                    manifests.add(new Manifest(file, document));
                }
            }
        }
        return manifests;
    }
}
