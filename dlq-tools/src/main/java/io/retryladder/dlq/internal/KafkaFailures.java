package io.retryladder.dlq.internal;

import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Turns a Kafka failure into one line that names what failed and what the operator can do about it.
 */
public final class KafkaFailures {

    private KafkaFailures() {}

    /**
     * Returns a one-line description of why {@code action} failed, for example "Failed to write
     * replayed records to retry-1s: ...".
     *
     * @param action what the command was doing, as a verb phrase: "write replayed records to retry-1s"
     */
    public static String describe(String action, Throwable failure) {
        Throwable cause = rootKafkaCause(failure);
        return "Failed to " + action + ": " + advice(cause);
    }

    private static String advice(Throwable cause) {
        if (cause instanceof TopicAuthorizationException topics) {
            String names = topics.unauthorizedTopics().isEmpty()
                    ? "the topic"
                    : topics.unauthorizedTopics().stream().sorted().collect(Collectors.joining(", "));
            return "the principal is not authorized for topic " + names
                    + "; grant it the ACLs this step needs (READ and DESCRIBE to read, WRITE and DESCRIBE to"
                    + " write) or use another principal in --command-config";
        }
        if (cause instanceof TransactionalIdAuthorizationException) {
            return "the principal may not use the replay's transactional id; grant WRITE and DESCRIBE on"
                    + " transactional ids with the prefix set by dlq.replay.transactional.id.prefix";
        }
        if (cause instanceof ClusterAuthorizationException) {
            return "the principal lacks a cluster permission (" + cause.getMessage()
                    + "); grant it, or use another principal in --command-config";
        }
        if (cause instanceof GroupAuthorizationException || cause instanceof AuthorizationException) {
            return "not authorized (" + cause.getMessage() + "); grant the permission or use another principal";
        }
        if (cause instanceof AuthenticationException) {
            return "authentication with the brokers failed (" + cause.getMessage()
                    + "); check the SASL and TLS settings in --command-config";
        }
        if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
            return "another run with the same replay id took over; let it finish, or stop it, then run again with"
                    + " the same --replay-id to resume";
        }
        if (cause instanceof RecordTooLargeException) {
            return "a record is larger than the topic or producer allows (" + cause.getMessage()
                    + "); raise max.message.bytes of the topic";
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return "a topic does not exist (" + cause.getMessage() + "); check the topic settings";
        }
        if (cause instanceof TimeoutException) {
            return "timed out (" + cause.getMessage()
                    + "); check --bootstrap-server, that the brokers are reachable, and dlq.request.timeout.ms";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Returns the most specific Kafka error in the cause chain, skipping wrappers. */
    private static Throwable rootKafkaCause(Throwable failure) {
        Throwable specific = failure;
        Throwable current = failure;
        while (current != null) {
            if (current instanceof AuthorizationException
                    || current instanceof AuthenticationException
                    || current instanceof ProducerFencedException
                    || current instanceof InvalidProducerEpochException
                    || current instanceof RecordTooLargeException
                    || current instanceof UnknownTopicOrPartitionException
                    || current instanceof TimeoutException) {
                return current;
            }
            if (current instanceof ExecutionException && current.getCause() != null) {
                specific = current.getCause();
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return specific;
    }
}
