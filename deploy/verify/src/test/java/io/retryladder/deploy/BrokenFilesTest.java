package io.retryladder.deploy;

import static io.retryladder.deploy.RepositoryFiles.COMPOSE;
import static io.retryladder.deploy.RepositoryFiles.DOWNSTREAM_DOCKERFILE;
import static io.retryladder.deploy.RepositoryFiles.KUBERNETES;
import static io.retryladder.deploy.RepositoryFiles.KUSTOMIZATION;
import static io.retryladder.deploy.RepositoryFiles.README;
import static io.retryladder.deploy.RepositoryFiles.WORKER_DOCKERFILE;
import static io.retryladder.deploy.RepositoryFiles.WORKER_PROPERTIES;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Breaks each checked file in memory, one way per case, and asserts that the matching check reports
 * the problem with the file, the key and the fix. The files on disk are never changed.
 */
class BrokenFilesTest {

    private static final String DEPLOYMENT = KUBERNETES + "/deployment.yaml";
    private static final String CONFIG_MAP = KUBERNETES + "/configmap.yaml";
    private static final String SERVICE = KUBERNETES + "/service.yaml";
    private static final String BUDGET = KUBERNETES + "/pod-disruption-budget.yaml";

    /**
     * One way to break one file, the check that must notice, the file its message names (the edited
     * one unless a setting in one file breaks a rule in another) and what the message must contain.
     */
    record Case(
            String name,
            String file,
            UnaryOperator<String> edit,
            Function<RepositoryFiles, Problems> check,
            String reportedIn,
            List<String> expected) {
        Case(
                String name,
                String file,
                UnaryOperator<String> edit,
                Function<RepositoryFiles, Problems> check,
                List<String> expected) {
            this(name, file, edit, check, file, expected);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checkReportsBrokenFile(Case broken) {
        RepositoryFiles files = RepositoryFiles.fromRepository().edit(broken.file(), broken.edit());

        Problems problems = broken.check().apply(files);

        assertThat(problems.list()).as("problems for: %s", broken.name()).isNotEmpty();
        assertThat(problems.list()).allSatisfy(problem -> assertThat(problem).contains("expected", "Fix: "));
        assertThat(problems.toString()).contains(broken.reportedIn() + ": ").contains(broken.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checkPassesOnRepositoryFile(Case broken) {
        Problems problems = broken.check().apply(RepositoryFiles.fromRepository());

        assertThat(problems.list()).as("problems in the unedited files").isEmpty();
    }

    static Stream<Case> cases() {
        return Stream.of(composeCases(), dockerfileCases(), kubernetesCases(), otherCases())
                .flatMap(List::stream);
    }

    private static List<Case> composeCases() {
        return List.of(
                new Case(
                        "compose: Kafka image of another version",
                        COMPOSE,
                        replace("apache/kafka:4.4.0", "apache/kafka:3.9.0"),
                        files -> new ComposeChecks(files).images(),
                        List.of(
                                "services.kafka.image",
                                "expected apache/kafka:4.4.0",
                                "set image: apache/kafka:4.4.0")),
                new Case(
                        "compose: transaction log min ISR above one broker",
                        COMPOSE,
                        replace("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 2"),
                        files -> new ComposeChecks(files).kraftSingleNode(),
                        List.of("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "found '2'", "exactly-once")),
                new Case(
                        "compose: Kafka node without the controller role",
                        COMPOSE,
                        replace("KAFKA_PROCESS_ROLES: broker,controller", "KAFKA_PROCESS_ROLES: broker"),
                        files -> new ComposeChecks(files).kraftSingleNode(),
                        List.of("KAFKA_PROCESS_ROLES", "broker,controller")),
                new Case(
                        "compose: one worker replica",
                        COMPOSE,
                        replace("replicas: 2", "replicas: 1"),
                        files -> new ComposeChecks(files).workerReplicas(),
                        List.of("services.worker.deploy.replicas", "2 worker replicas", "found 1")),
                new Case(
                        "compose: misspelt worker variable",
                        COMPOSE,
                        replace("RETRY_WORKER_RETRY_TOPICS_CREATE", "RETRY_WORKER_RETRY_TOPIC_CREATE"),
                        files -> new ComposeChecks(files).workerSettingsKnown(),
                        List.of(
                                "services.worker.environment.RETRY_WORKER_RETRY_TOPIC_CREATE",
                                "'retry.topic.create'",
                                "did you mean retry.topics.create (RETRY_WORKER_RETRY_TOPICS_CREATE)?")),
                new Case(
                        "compose: variable for a setting the worker overwrites",
                        COMPOSE,
                        replace(
                                "      RETRY_WORKER_BOOTSTRAP_SERVERS",
                                "      RETRY_WORKER_PROCESSING_GUARANTEE: at_least_once\n"
                                        + "      RETRY_WORKER_BOOTSTRAP_SERVERS"),
                        files -> new ComposeChecks(files).workerSettingsKnown(),
                        List.of("RETRY_WORKER_PROCESSING_GUARANTEE", "exactly_once_v2")),
                new Case(
                        "compose: allow-list without the downstream",
                        COMPOSE,
                        replace(
                                "RETRY_WORKER_RETRY_HTTP_ALLOWED_HOSTS: downstream",
                                "RETRY_WORKER_RETRY_HTTP_ALLOWED_HOSTS: example.org"),
                        files -> new ComposeChecks(files).workerWiring(),
                        List.of("RETRY_WORKER_RETRY_HTTP_ALLOWED_HOSTS", "[example.org]", "add downstream")),
                new Case(
                        "compose: registry URL without the Confluent-compatible path",
                        COMPOSE,
                        replace("http://registry:8080/apis/ccompat/v7", "http://registry:8080/apis/registry/v2"),
                        files -> new ComposeChecks(files).workerWiring(),
                        List.of("RETRY_WORKER_SCHEMA_REGISTRY_URL", "http://registry:8080/apis/ccompat/v7")),
                new Case(
                        "compose: bootstrap servers on the host listener",
                        COMPOSE,
                        replace(
                                "RETRY_WORKER_BOOTSTRAP_SERVERS: kafka:9092",
                                "RETRY_WORKER_BOOTSTRAP_SERVERS: localhost:19092"),
                        files -> new ComposeChecks(files).workerWiring(),
                        List.of("RETRY_WORKER_BOOTSTRAP_SERVERS", "[kafka:9092]", "'localhost:19092'")),
                new Case(
                        "compose: worker setting out of range",
                        COMPOSE,
                        replace(
                                "      RETRY_WORKER_BOOTSTRAP_SERVERS",
                                "      RETRY_WORKER_NUM_STREAM_THREADS: 0\n      RETRY_WORKER_BOOTSTRAP_SERVERS"),
                        files -> new ComposeChecks(files).workerWiring(),
                        List.of(
                                "services.worker.environment.RETRY_WORKER_NUM_STREAM_THREADS",
                                "RetryWorkerConfig accepts",
                                "num.stream.threads")),
                new Case(
                        "compose: stop grace period shorter than the shutdown",
                        COMPOSE,
                        replace("stop_grace_period: 60s", "stop_grace_period: 30s"),
                        files -> new ComposeChecks(files).workerService(),
                        List.of("services.worker.stop_grace_period", "at least 50s", "found 30s")),
                new Case(
                        "compose: worker health check on another path",
                        COMPOSE,
                        replaceLast("GET /health/ready", "GET /ready"),
                        files -> new ComposeChecks(files).workerService(),
                        List.of("services.worker.healthcheck.test", "/health/ready on port 8080")),
                new Case(
                        "compose: worker published on another container port",
                        COMPOSE,
                        replace("8081-8082:8080", "8081-8082:9090"),
                        files -> new ComposeChecks(files).workerService(),
                        List.of("services.worker.ports", "container port 8080", "found 9090")),
                new Case(
                        "compose: worker starts before Kafka is healthy",
                        COMPOSE,
                        replace(
                                "      kafka:\n        condition: service_healthy",
                                "      kafka:\n        condition: service_started"),
                        files -> new ComposeChecks(files).workerService(),
                        List.of("services.worker.depends_on.kafka.condition", "service_healthy")),
                new Case(
                        "compose: downstream listens on another port than published",
                        COMPOSE,
                        replace("\"--port\", \"8090\"", "\"--port\", \"8091\""),
                        files -> new ComposeChecks(files).downstream(),
                        List.of("services.downstream.ports", "container port 8091")),
                new Case(
                        "compose: downstream without health check",
                        COMPOSE,
                        replace(
                                "    healthcheck:\n      test: [\"CMD\", \"bash\", \"-c\", \"exec 3<>/dev/tcp/127.0.0.1/8090\"]\n"
                                        + "      interval: 5s\n      timeout: 3s\n      retries: 12\n",
                                ""),
                        files -> new ComposeChecks(files).healthchecks(),
                        List.of("services.downstream.healthcheck.test", "a health check")));
    }

    private static List<Case> dockerfileCases() {
        return List.of(
                new Case(
                        "worker Dockerfile: EXPOSE of another port",
                        WORKER_DOCKERFILE,
                        replace("EXPOSE 8080", "EXPOSE 8081"),
                        files -> new DockerfileChecks(files).workerExpose(),
                        List.of("EXPOSE", "8080, the default of retry.http.port", "found 8081")),
                new Case(
                        "worker Dockerfile: runs as root",
                        WORKER_DOCKERFILE,
                        replace("USER 10001:10001", "USER root"),
                        files -> new DockerfileChecks(files).workerImage(),
                        List.of("USER", "numeric non-root user", "found root")),
                new Case(
                        "worker Dockerfile: copies a jar Maven does not build",
                        WORKER_DOCKERFILE,
                        replace(
                                "ARG JAR=retry-worker/target/retry-worker-0.1.0-SNAPSHOT-all.jar",
                                "ARG JAR=retry-worker.jar"),
                        files -> new DockerfileChecks(files).workerImage(),
                        List.of("COPY", "retry-worker/target/retry-worker-0.1.0-SNAPSHOT-all.jar")),
                new Case(
                        "worker Dockerfile: heap not sized to the container",
                        WORKER_DOCKERFILE,
                        replace("-XX:MaxRAMPercentage=40 ", ""),
                        files -> new DockerfileChecks(files).workerImage(),
                        List.of("ENV JDK_JAVA_OPTIONS", "-XX:MaxRAMPercentage=")),
                new Case(
                        "worker Dockerfile: image sets a worker setting",
                        WORKER_DOCKERFILE,
                        replace(
                                "WORKDIR /var/lib/retry-worker",
                                "ENV RETRY_WORKER_STATE_DIR=/data\nWORKDIR /var/lib/retry-worker"),
                        files -> new DockerfileChecks(files).workerImage(),
                        List.of("ENV RETRY_WORKER_STATE_DIR", "override")),
                new Case(
                        "worker Dockerfile: state directory not created",
                        WORKER_DOCKERFILE,
                        replace("WORKDIR /var/lib/retry-worker", "WORKDIR /opt/retry-worker"),
                        files -> new DockerfileChecks(files).workerStateDirectory(),
                        List.of("RUN", "/opt/retry-worker/state")),
                new Case(
                        "downstream Dockerfile: EXPOSE differs from --port",
                        DOWNSTREAM_DOCKERFILE,
                        replace("EXPOSE 8090", "EXPOSE 8091"),
                        files -> new DockerfileChecks(files).downstreamImage(),
                        List.of("EXPOSE", "--port (8090)", "found 8091")),
                new Case(
                        "downstream Dockerfile: another main class",
                        DOWNSTREAM_DOCKERFILE,
                        replace("io.retryladder.run.DownstreamMain\"]", "io.retryladder.run.Other\"]"),
                        files -> new DockerfileChecks(files).downstreamImage(),
                        List.of("ENTRYPOINT", "io.retryladder.run.DownstreamMain")),
                new Case(
                        "dockerignore: build context without the jar",
                        DOWNSTREAM_DOCKERFILE + ".dockerignore",
                        replace("!local-run/target/local-run-*-all.jar", "!local-run/target/*.zip"),
                        files -> new DockerfileChecks(files).buildContexts(),
                        List.of("patterns", "!local-run/target/local-run-0.1.0-SNAPSHOT-all.jar")));
    }

    private static List<Case> kubernetesCases() {
        return List.of(
                new Case(
                        "kustomization: manifest left out",
                        KUSTOMIZATION,
                        replace("  - pod-disruption-budget.yaml\n", ""),
                        files -> new KubernetesChecks(files).kustomization(),
                        List.of("no entry for pod-disruption-budget.yaml", "PodDisruptionBudget")),
                new Case(
                        "deployment: liveness probe on another path",
                        DEPLOYMENT,
                        replace(
                                "livenessProbe:\n            httpGet:\n              path: /health/live",
                                "livenessProbe:\n            httpGet:\n              path: /healthz"),
                        files -> new KubernetesChecks(files).probes(),
                        List.of("livenessProbe.httpGet.path", "/health/live (HealthServer)", "found /healthz")),
                new Case(
                        "deployment: readiness probe on another port",
                        DEPLOYMENT,
                        replace(
                                "path: /health/ready\n              port: http",
                                "path: /health/ready\n              port: 9090"),
                        files -> new KubernetesChecks(files).probes(),
                        List.of("readinessProbe.httpGet.port", "8080, the worker's retry.http.port", "found 9090")),
                new Case(
                        "deployment: container port differs from retry.http.port",
                        DEPLOYMENT,
                        replace("containerPort: 8080", "containerPort: 9090"),
                        files -> new KubernetesChecks(files).containerPort(),
                        List.of("containers[retry-worker].ports", "containerPort 8080", "[9090]")),
                new Case(
                        "deployment: Prometheus scrapes another port",
                        DEPLOYMENT,
                        replace("prometheus.io/port: \"8080\"", "prometheus.io/port: \"9404\""),
                        files -> new KubernetesChecks(files).containerPort(),
                        List.of("prometheus.io/port", "\"8080\", the port that serves /metrics")),
                new Case(
                        "deployment: grace period shorter than the shutdown",
                        DEPLOYMENT,
                        replace("terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: 30"),
                        files -> new KubernetesChecks(files).terminationGracePeriod(),
                        List.of("terminationGracePeriodSeconds", "at least 55", "found 30")),
                new Case(
                        "configmap: drain longer than the grace period allows",
                        CONFIG_MAP,
                        replace("retry.shutdown.drain.timeout.ms=20000", "retry.shutdown.drain.timeout.ms=40000"),
                        files -> new KubernetesChecks(files).terminationGracePeriod(),
                        DEPLOYMENT,
                        List.of("terminationGracePeriodSeconds", "at least 75", "40000 ms")),
                new Case(
                        "deployment: no memory limit",
                        DEPLOYMENT,
                        replace("            limits:\n              memory: 3Gi\n", ""),
                        files -> new KubernetesChecks(files).resources(),
                        List.of("resources.limits.memory")),
                new Case(
                        "deployment: state volume elsewhere than state.dir",
                        DEPLOYMENT,
                        replace("mountPath: /var/lib/retry-worker/state", "mountPath: /data/state"),
                        files -> new KubernetesChecks(files).volumes(),
                        List.of("volumeMounts", "mounted at /var/lib/retry-worker/state")),
                new Case(
                        "deployment: read-only root without /tmp",
                        DEPLOYMENT,
                        replace("            - name: tmp\n              mountPath: /tmp\n", ""),
                        files -> new KubernetesChecks(files).volumes(),
                        List.of("mounted at /tmp", "RocksDB")),
                new Case(
                        "deployment: --config outside the ConfigMap mount",
                        DEPLOYMENT,
                        replace("\"/etc/retry-worker/worker.properties\"", "\"/etc/worker/worker.properties\""),
                        files -> new KubernetesChecks(files).configFile(),
                        List.of("volumeMounts", "retry-worker-settings mounted at /etc/worker")),
                new Case(
                        "configmap: misspelt setting",
                        CONFIG_MAP,
                        replace("retry.max.in.flight=256", "retry.max.inflight=256"),
                        files -> new KubernetesChecks(files).settingNames(),
                        List.of("data.worker.properties: retry.max.inflight", "did you mean retry.max.in.flight?")),
                new Case(
                        "configmap: secret in plain text",
                        CONFIG_MAP,
                        replace("    #sasl.mechanism", "    sasl.jaas.config=secret\n    #sasl.mechanism"),
                        files -> new KubernetesChecks(files).secrets(),
                        List.of("sasl.jaas.config", "RETRY_WORKER_SASL_JAAS_CONFIG", "secretKeyRef")),
                new Case(
                        "deployment: secret variable with a plain value",
                        DEPLOYMENT,
                        replace(
                                "- name: RETRY_WORKER_SASL_JAAS_CONFIG\n              valueFrom:\n"
                                        + "                secretKeyRef:\n                  name: retry-worker-secrets\n"
                                        + "                  key: sasl.jaas.config\n                  optional: true",
                                "- name: RETRY_WORKER_SASL_JAAS_CONFIG\n              value: plain"),
                        files -> new KubernetesChecks(files).secrets(),
                        List.of("env.RETRY_WORKER_SASL_JAAS_CONFIG", "a plain value", "secretKeyRef")),
                new Case(
                        "configmap: setting out of range",
                        CONFIG_MAP,
                        replace("num.stream.threads=2", "num.stream.threads=0"),
                        files -> new KubernetesChecks(files).settingsValid(),
                        List.of("data.worker.properties: num.stream.threads", "RetryWorkerConfig accepts")),
                new Case(
                        "service: target port elsewhere",
                        SERVICE,
                        replace("targetPort: http", "targetPort: 9090"),
                        files -> new KubernetesChecks(files).service(),
                        List.of("spec.ports.targetPort", "HTTP port 8080")),
                new Case(
                        "pod disruption budget: selects no worker",
                        BUDGET,
                        replaceLast("app.kubernetes.io/name: retry-worker", "app.kubernetes.io/name: retry-workers"),
                        files -> new KubernetesChecks(files).podDisruptionBudget(),
                        List.of("spec.selector.matchLabels", "retry-workers")),
                new Case(
                        "pod disruption budget: blocks every drain",
                        BUDGET,
                        replace("maxUnavailable: 1", "maxUnavailable: 0"),
                        files -> new KubernetesChecks(files).podDisruptionBudget(),
                        List.of("maxUnavailable 0", "set maxUnavailable: 1")));
    }

    private static List<Case> otherCases() {
        return List.of(
                new Case(
                        "worker.properties: misspelt setting",
                        WORKER_PROPERTIES,
                        replace("retry.call.timeout.ms=10000", "retry.call.timeout=10000"),
                        files -> new WorkerPropertiesChecks(files).settingNames(),
                        List.of("retry.call.timeout", "did you mean retry.call.timeout.ms?")),
                new Case(
                        "worker.properties: setting out of range",
                        WORKER_PROPERTIES,
                        replace("num.stream.threads=2", "num.stream.threads=0"),
                        files -> new WorkerPropertiesChecks(files).settingsValid(),
                        List.of("num.stream.threads", "RetryWorkerConfig accepts")),
                new Case(
                        "README: worker table edited by hand",
                        README,
                        replace("| `retry.http.port` |", "| `retry.http.prt` |"),
                        files -> new ReadmeChecks(files).tablesUpToDate(),
                        List.of(
                                "<!-- settings:worker:start -->",
                                ReadmeSettings.REGENERATE_COMMAND,
                                "retry.http.prt")));
    }

    private static UnaryOperator<String> replace(String search, String replacement) {
        return text -> {
            int at = text.indexOf(search);
            return at < 0 ? text : text.substring(0, at) + replacement + text.substring(at + search.length());
        };
    }

    private static UnaryOperator<String> replaceLast(String search, String replacement) {
        return text -> {
            int at = text.lastIndexOf(search);
            return at < 0 ? text : text.substring(0, at) + replacement + text.substring(at + search.length());
        };
    }
}
