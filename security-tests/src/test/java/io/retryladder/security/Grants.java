package io.retryladder.security;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The smallest ACL grants with which each component works, as docs/security.md lists them. READ and
 * WRITE imply DESCRIBE in Kafka's authorizer, so DESCRIBE is never granted on its own.
 */
final class Grants {

    private Grants() {}

    /**
     * Returns the worker's grant. It reads every tier and writes every tier: the next one after a
     * failed attempt, and the same one when it re-publishes a record found in the wrong partition. It
     * writes the dead-letter topic, and reads the configuration of all of them (max.message.bytes at
     * start-up, min.insync.replicas of the dead-letter topic while it runs). Under its application id
     * it needs what Kafka Streams needs: the consumer group, the transactional ids, and the changelog
     * topics, which it creates, writes, and reads when it restores a state store.
     */
    static List<AclBinding> worker(
            String principal, String applicationId, List<String> tierTopics, String deadLetterTopic) {
        List<AclBinding> acls = new ArrayList<>();
        for (String tier : tierTopics) {
            acls.add(allow(principal, ResourceType.TOPIC, tier, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(principal, ResourceType.TOPIC, tier, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.TOPIC, tier, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
        }
        acls.add(allow(principal, ResourceType.TOPIC, deadLetterTopic, PatternType.LITERAL, AclOperation.WRITE));
        acls.add(allow(
                principal, ResourceType.TOPIC, deadLetterTopic, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
        String internal = applicationId + "-";
        for (AclOperation operation : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE)) {
            acls.add(allow(principal, ResourceType.TOPIC, internal, PatternType.PREFIXED, operation));
        }
        acls.add(allow(principal, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, internal, PatternType.PREFIXED, AclOperation.WRITE));
        return acls;
    }

    /**
     * Returns the publisher's grant: write the first tier, and read its configuration so that the
     * publisher can refuse records above its max.message.bytes before sending them.
     */
    static List<AclBinding> publisher(String principal, String firstTier) {
        return List.of(
                allow(principal, ResourceType.TOPIC, firstTier, PatternType.LITERAL, AclOperation.WRITE),
                allow(principal, ResourceType.TOPIC, firstTier, PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS));
    }

    static AclBinding allow(
            String principal, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
