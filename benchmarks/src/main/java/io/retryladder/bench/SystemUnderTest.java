package io.retryladder.bench;

import java.util.List;

/** A retry pipeline the harness measures: the product's worker or the Spring Kafka peer. */
public interface SystemUnderTest {

    /** Returns the name in tables and JSON, such as {@code product} or {@code spring-default}. */
    String name();

    /** Returns the topics of a trial, each with the trial's partition count; the harness creates and deletes them. */
    List<TopicSpec> topics(TrialContext trial);

    /** Starts the system's process and returns once it consumes its topics. */
    ChildJvm start(TrialContext trial) throws InterruptedException;

    /** Returns a publisher of failed operations into the system. */
    OperationPublisher publisher(TrialContext trial, TrialRecorder recorder);

    /** Returns the topic whose lag shows whether the system keeps up with new operations. */
    String entryTopic(TrialContext trial);

    /** Returns the consumer group that reads {@link #entryTopic}. */
    String entryGroup(TrialContext trial);

    String deadLetterTopic(TrialContext trial);

    /** Saves what the running system reports about itself into the trial's directory; called before it stops. */
    default void collect(TrialContext trial) {}

    /** Returns the settings that make this system what it is, for the report. */
    List<String> describe();
}
