package io.retryladder.bench;

/**
 * A topic of a trial.
 *
 * @param logAppendTime whether record timestamps are the broker's append time
 */
public record TopicSpec(String name, boolean logAppendTime) {}
