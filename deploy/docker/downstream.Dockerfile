# Image of the sample HTTP downstream (io.retryladder.run.DownstreamMain) that answers the workers'
# calls with configurable failures and latency. From the repository root:
#
#   mvn -B -pl local-run -am package -DskipTests
#   docker build -f deploy/docker/downstream.Dockerfile -t retry-ladder/downstream:0.1.0-SNAPSHOT .
FROM eclipse-temurin:17-jre

ARG JAR=local-run/target/local-run-0.1.0-SNAPSHOT-all.jar

RUN groupadd --system --gid 10001 downstream \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin downstream

COPY ${JAR} /opt/downstream/downstream.jar

ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
EXPOSE 8090

ENTRYPOINT ["java", "-cp", "/opt/downstream/downstream.jar", "io.retryladder.run.DownstreamMain"]
CMD ["--host", "0.0.0.0", "--port", "8090", "--failure-rate", "0.2", "--latency-ms", "20"]
