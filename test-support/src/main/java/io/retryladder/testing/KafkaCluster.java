package io.retryladder.testing;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/** A Kafka cluster that a test may use: its address, client settings and an admin client. */
public interface KafkaCluster {

    String bootstrapServers();

    /** Returns settings every client needs to reach the cluster, including security settings. */
    Map<String, Object> clientProperties();

    /** Returns an admin client shared by the tests of this JVM; do not close it. */
    Admin admin();

    /** Returns where the cluster runs, for example "in-process KRaft broker". */
    String description();
}
