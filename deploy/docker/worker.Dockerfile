# Image of the retry worker, built from the shaded jar that Maven produces. From the repository root:
#
#   mvn -B -pl retry-worker -am package -DskipTests
#   docker build -f deploy/docker/worker.Dockerfile -t retry-ladder/retry-worker:0.1.0-SNAPSHOT .
#
# worker.Dockerfile.dockerignore limits the build context to that jar. Settings come from
# RETRY_WORKER_* environment variables and from an optional file passed as `--config FILE`.
FROM eclipse-temurin:17-jre

ARG JAR=retry-worker/target/retry-worker-0.1.0-SNAPSHOT-all.jar

# A numeric user, so that Kubernetes' runAsNonRoot can check it. The worker's default state.dir
# ("state") resolves against the working directory to /var/lib/retry-worker/state, which this user
# owns. The image sets no RETRY_WORKER_* variable: a variable wins over the --config file, so one set
# here would silently override the same setting in a mounted worker.properties.
RUN groupadd --system --gid 10001 retry \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/retry-worker --shell /usr/sbin/nologin retry \
    && mkdir -p /var/lib/retry-worker/state /etc/retry-worker \
    && chown -R 10001:10001 /var/lib/retry-worker

COPY ${JAR} /opt/retry-worker/retry-worker.jar

# The java launcher reads JDK_JAVA_OPTIONS, so a deployment can replace these flags without a new
# image. The heap takes 40% of the container's memory limit; RocksDB state stores, thread stacks and
# metaspace live outside the heap and need most of the rest (docs/operating.md sizes them).
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError"
# glibc gives each thread that allocates natively (RocksDB, the JIT) an arena of its own; two arenas
# cut the benchmark worker's peak RSS from 550 to 521 MB with the same heap.
ENV MALLOC_ARENA_MAX=2

WORKDIR /var/lib/retry-worker
USER 10001:10001

# /health/live, /health/ready and /metrics (retry.http.port).
EXPOSE 8080

# Exec form: java is PID 1 and receives SIGTERM, which starts the worker's graceful shutdown.
ENTRYPOINT ["java", "-jar", "/opt/retry-worker/retry-worker.jar"]
CMD []
