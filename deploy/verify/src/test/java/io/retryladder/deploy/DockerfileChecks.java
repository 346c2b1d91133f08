package io.retryladder.deploy;

import io.retryladder.deploy.Dockerfile.Instruction;
import io.retryladder.worker.RetryWorkerConfig;
import io.retryladder.worker.RetryWorkerMain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Checks of the worker and downstream Dockerfiles and of their build contexts. */
final class DockerfileChecks {

    static final String DOWNSTREAM_MAIN = "io.retryladder.run.DownstreamMain";
    static final String MEMORY_FLAG = "-XX:MaxRAMPercentage=";

    private final RepositoryFiles files;

    DockerfileChecks(RepositoryFiles files) {
        this.files = files;
    }

    static String version() {
        return System.getProperty("project.version", "0.1.0-SNAPSHOT");
    }

    static String workerJar() {
        return "retry-worker/target/retry-worker-" + version() + "-all.jar";
    }

    static String downstreamJar() {
        return "local-run/target/local-run-" + version() + "-all.jar";
    }

    Dockerfile worker() {
        return Dockerfile.parse(files.text(RepositoryFiles.WORKER_DOCKERFILE));
    }

    Dockerfile downstream() {
        return Dockerfile.parse(files.text(RepositoryFiles.DOWNSTREAM_DOCKERFILE));
    }

    /** Checks the base image, jar, entry point, user and JVM memory flags of the worker image. */
    Problems workerImage() {
        String file = RepositoryFiles.WORKER_DOCKERFILE;
        Dockerfile dockerfile = worker();
        Problems problems = new Problems();
        checkBase(problems, file, dockerfile);
        Optional<String> jar = copiedTo(problems, file, dockerfile, workerJar());
        List<String> entrypoint = entrypoint(dockerfile);
        boolean runsJar = jar.isPresent() && entrypoint.contains("-jar") && entrypoint.contains(jar.get());
        boolean runsMain = entrypoint.contains(RetryWorkerMain.class.getName());
        if (jar.isPresent() && !runsJar && !runsMain) {
            problems.add(
                    file,
                    "ENTRYPOINT",
                    "java -jar " + jar.get() + " (the jar's main class is RetryWorkerMain)",
                    entrypoint.toString(),
                    "set ENTRYPOINT [\"java\", \"-jar\", \"" + jar.get() + "\"]");
        }
        checkUser(problems, file, dockerfile);
        checkMemoryFlag(problems, file, dockerfile);
        dockerfile.environment().keySet().stream()
                .filter(name -> name.startsWith(WorkerSettings.PREFIX))
                .forEach(name -> problems.add(
                        file,
                        "ENV " + name,
                        "no RETRY_WORKER_* variable in the image",
                        name,
                        "remove it: variables win over the --config file, so an image default would silently"
                                + " override the same setting in a mounted worker.properties"));
        return problems;
    }

    /** Checks that the worker image exposes retry.http.port as the worker resolves it with no settings. */
    Problems workerExpose() {
        String file = RepositoryFiles.WORKER_DOCKERFILE;
        int port = WorkerSettings.httpPort(Map.of());
        List<String> exposed = exposed(worker());
        Problems problems = new Problems();
        if (!exposed.contains(String.valueOf(port))) {
            problems.add(
                    file,
                    "EXPOSE",
                    port + ", the default of " + RetryWorkerConfig.HTTP_PORT + " (health and metrics)",
                    exposed.isEmpty() ? "none" : String.join(" ", exposed),
                    "write EXPOSE " + port);
        }
        return problems;
    }

    /** Checks that the default state.dir resolves to a directory the image creates for its user. */
    Problems workerStateDirectory() {
        String file = RepositoryFiles.WORKER_DOCKERFILE;
        Dockerfile dockerfile = worker();
        Problems problems = new Problems();
        Optional<String> stateDir = stateDirectory(dockerfile);
        if (stateDir.isEmpty()) {
            return problems.add(
                    file,
                    "WORKDIR",
                    "an absolute WORKDIR that the default state.dir ('state') resolves against",
                    "none",
                    "add WORKDIR /var/lib/retry-worker");
        }
        boolean created = dockerfile.all("RUN").stream()
                .map(Instruction::arguments)
                .anyMatch(run -> run.contains(stateDir.get()) && run.contains("chown"));
        if (!created) {
            problems.add(
                    file,
                    "RUN",
                    "a RUN that creates " + stateDir.get() + " and gives it to the image's user",
                    "none",
                    "add RUN mkdir -p " + stateDir.get() + " && chown -R <uid>:<gid> " + stateDir.get());
        }
        return problems;
    }

    /** Checks the base image, jar, main class, user and port of the sample downstream image. */
    Problems downstreamImage() {
        String file = RepositoryFiles.DOWNSTREAM_DOCKERFILE;
        Dockerfile dockerfile = downstream();
        Problems problems = new Problems();
        checkBase(problems, file, dockerfile);
        copiedTo(problems, file, dockerfile, downstreamJar());
        List<String> entrypoint = entrypoint(dockerfile);
        if (!entrypoint.contains(DOWNSTREAM_MAIN)) {
            problems.add(
                    file,
                    "ENTRYPOINT",
                    "java -cp <jar> " + DOWNSTREAM_MAIN,
                    entrypoint.toString(),
                    "run " + DOWNSTREAM_MAIN + " from the copied jar");
        }
        checkUser(problems, file, dockerfile);
        List<String> command = dockerfile.last("CMD").map(Dockerfile::words).orElse(List.of());
        int at = command.indexOf("--port");
        String port = at >= 0 && at + 1 < command.size() ? command.get(at + 1) : null;
        List<String> exposed = exposed(dockerfile);
        if (port == null || !exposed.contains(port)) {
            problems.add(
                    file,
                    "EXPOSE",
                    "the port that CMD passes as --port (" + port + ")",
                    exposed.isEmpty() ? "none" : String.join(" ", exposed),
                    "make EXPOSE and CMD's --port the same number");
        }
        return problems;
    }

    /** Checks that each Dockerfile's own .dockerignore lets the jar its COPY reads into the build context. */
    Problems buildContexts() {
        Problems problems = new Problems();
        checkIgnoreFile(problems, RepositoryFiles.WORKER_DOCKERFILE, worker(), workerJar());
        checkIgnoreFile(problems, RepositoryFiles.DOWNSTREAM_DOCKERFILE, downstream(), downstreamJar());
        return problems;
    }

    /** Returns where the default state.dir lands in the image: WORKDIR/state. */
    static Optional<String> stateDirectory(Dockerfile dockerfile) {
        Optional<String> workdir = dockerfile.last("WORKDIR").map(w -> dockerfile.substitute(w.arguments()));
        String state = (String) WorkerSettings.value(Map.of(), RetryWorkerConfig.STATE_DIR);
        return workdir.filter(dir -> dir.startsWith("/"))
                .map(dir -> dir.endsWith("/") ? dir + state : dir + "/" + state);
    }

    static List<String> entrypoint(Dockerfile dockerfile) {
        return dockerfile.last("ENTRYPOINT").map(Dockerfile::words).orElse(List.of());
    }

    private static List<String> exposed(Dockerfile dockerfile) {
        List<String> ports = new ArrayList<>();
        for (Instruction expose : dockerfile.all("EXPOSE")) {
            for (String port : dockerfile.substitute(expose.arguments()).split("\\s+")) {
                ports.add(port.replaceAll("/(tcp|udp)$", ""));
            }
        }
        return ports;
    }

    private static void checkBase(Problems problems, String file, Dockerfile dockerfile) {
        String base = dockerfile
                .last("FROM")
                .map(from -> from.arguments().split("\\s+")[0])
                .orElse("none");
        if (!base.startsWith("eclipse-temurin:17") || !base.contains("jre")) {
            problems.add(
                    file,
                    "FROM",
                    "a Java 17 runtime image such as eclipse-temurin:17-jre (the build targets Java 17)",
                    base,
                    "write FROM eclipse-temurin:17-jre");
        }
    }

    /** Returns where a COPY puts {@code jar}, adding a problem when no COPY reads it. */
    private static Optional<String> copiedTo(Problems problems, String file, Dockerfile dockerfile, String jar) {
        List<String> sources = new ArrayList<>();
        for (Instruction copy : dockerfile.all("COPY")) {
            List<String> words = new ArrayList<>(
                    List.of(dockerfile.substitute(copy.arguments()).strip().split("\\s+")));
            words.removeIf(word -> word.startsWith("--"));
            if (words.size() == 2 && words.get(0).equals(jar)) {
                return Optional.of(words.get(1));
            }
            sources.addAll(words.subList(0, Math.max(0, words.size() - 1)));
        }
        problems.add(
                file,
                "COPY",
                "a COPY of " + jar + ", the shaded jar Maven builds",
                sources.isEmpty() ? "no COPY" : "COPY of " + sources,
                "copy " + jar + " (set ARG JAR to it)");
        return Optional.empty();
    }

    private static void checkUser(Problems problems, String file, Dockerfile dockerfile) {
        String user = dockerfile.last("USER").map(Instruction::arguments).orElse("");
        String uid = user.split(":")[0].strip();
        if (!uid.matches("\\d+") || Integer.parseInt(uid) == 0) {
            problems.add(
                    file,
                    "USER",
                    "a numeric non-root user such as 10001:10001 (Kubernetes' runAsNonRoot can verify only a"
                            + " numeric user)",
                    user.isEmpty() ? "none, so the container runs as root" : user,
                    "create a user with a fixed uid and write USER <uid>:<gid>");
        }
    }

    private static void checkMemoryFlag(Problems problems, String file, Dockerfile dockerfile) {
        Map<String, String> environment = dockerfile.environment();
        String options = environment.getOrDefault("JDK_JAVA_OPTIONS", "");
        String flags = String.join(" ", entrypoint(dockerfile)) + " " + options + " "
                + environment.getOrDefault("JAVA_TOOL_OPTIONS", "");
        if (!flags.contains(MEMORY_FLAG)) {
            problems.add(
                    file,
                    "ENV JDK_JAVA_OPTIONS",
                    MEMORY_FLAG + "<percent> there, in JAVA_TOOL_OPTIONS or in ENTRYPOINT, so that the heap"
                            + " follows the container's memory limit",
                    options.isEmpty() ? "no JDK_JAVA_OPTIONS" : "'" + options + "'",
                    "add " + MEMORY_FLAG + "40 to JDK_JAVA_OPTIONS");
        }
    }

    private void checkIgnoreFile(Problems problems, String dockerfilePath, Dockerfile dockerfile, String jar) {
        String ignoreFile = dockerfilePath + ".dockerignore";
        if (!files.exists(ignoreFile)) {
            return;
        }
        Boolean included = null;
        for (String line : files.text(ignoreFile).split("\n")) {
            String pattern = line.strip();
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            boolean negated = pattern.startsWith("!");
            if (matches(negated ? pattern.substring(1) : pattern, jar)) {
                included = negated;
            }
        }
        if (Boolean.FALSE.equals(included)) {
            problems.add(
                    ignoreFile,
                    "patterns",
                    "a build context that contains " + jar + ", which " + dockerfilePath + " copies",
                    "a pattern that leaves it out",
                    "add the line !" + jar + " after the patterns that exclude it");
        }
    }

    /** Returns whether a .dockerignore pattern matches {@code path} or one of its parent directories. */
    private static boolean matches(String pattern, String path) {
        StringBuilder regex = new StringBuilder();
        String trimmed = pattern.startsWith("/") ? pattern.substring(1) : pattern;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '*' && i + 1 < trimmed.length() && trimmed.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex + "(/.*)?").matcher(path).matches();
    }
}
