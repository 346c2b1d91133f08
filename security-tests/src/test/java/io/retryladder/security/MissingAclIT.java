package io.retryladder.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.security.ChildJvm.Result;
import io.retryladder.worker.RetryWorkerMain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker whose grant lacks one ACL that it needs stops with exit code 1 and a message that names
 * the resource it may not use and states that authorization failed, so an operator knows which ACL
 * to add. Each case starts the worker process with {@link Grants#worker} minus one entry.
 */
@ExtendWith(SecuredKafkaExtension.class)
class MissingAclIT {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(45);

    @Test
    void missingGroupReadStopsWorker(SecuredKafka kafka) {
        SecuredPipeline pipeline = new SecuredPipeline(kafka, "no-group");
        Result result = runWithout(kafka, pipeline, acl -> acl.pattern().resourceType() == ResourceType.GROUP);

        assertStoppedNaming(result, pipeline.applicationId);
    }

    @Test
    void missingDeadLetterWriteStopsWorker(SecuredKafka kafka) {
        SecuredPipeline pipeline = new SecuredPipeline(kafka, "no-dlq-write");
        Result result = runWithout(
                kafka,
                pipeline,
                acl -> acl.pattern().name().equals(pipeline.deadLetterTopic())
                        && acl.entry().operation() == AclOperation.WRITE);

        assertStoppedNaming(result, pipeline.deadLetterTopic());
    }

    @Test
    void missingTierConfigReadStopsWorker(SecuredKafka kafka) {
        SecuredPipeline pipeline = new SecuredPipeline(kafka, "no-tier-configs");
        Result result = runWithout(
                kafka,
                pipeline,
                acl -> acl.pattern().name().equals(pipeline.tierTopics().get(1))
                        && acl.entry().operation() == AclOperation.DESCRIBE_CONFIGS);

        assertStoppedNaming(result, pipeline.tierTopics().get(1));
    }

    private static Result runWithout(SecuredKafka kafka, SecuredPipeline pipeline, Predicate<AclBinding> missing) {
        pipeline.createTopics();
        List<AclBinding> grant = new ArrayList<>(Grants.worker(
                "User:" + SecuredKafka.WORKER,
                pipeline.applicationId,
                pipeline.tierTopics(),
                pipeline.deadLetterTopic()));
        assertThat(grant.removeIf(missing))
                .as("the case removes an ACL of the grant")
                .isTrue();
        kafka.grant(grant);
        Map<String, String> settings = new LinkedHashMap<>(pipeline.workerSettings());
        settings.putAll(pipeline.clientSettings(SecuredKafka.WORKER));
        return ChildJvm.run(
                RetryWorkerMain.class.getName(),
                List.of(
                        "--config",
                        pipeline.writeProperties("worker.properties", settings).toString()),
                Map.of(),
                pipeline.dir.resolve("worker.log"),
                EXIT_TIMEOUT);
    }

    private static void assertStoppedNaming(Result result, String resource) {
        assertThat(result.exitCode())
                .as("exit code within %s; the worker printed:%n%s", EXIT_TIMEOUT, tail(result.output()))
                .isEqualTo(1);
        assertThat(result.output()).as("output names the resource").contains(resource);
        assertThat(result.output().toLowerCase(java.util.Locale.ROOT))
                .as("output says that authorization failed")
                .containsAnyOf("not authorized", "authorization failed");
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
