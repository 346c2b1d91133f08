package io.retryladder.envelope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The tiered delay topics and the dead-letter topic of one pipeline.
 *
 * <p>A record whose most recent attempt is attempt {@code n} waits in tier {@code n - 1}; attempts
 * beyond the last tier wait in the last tier again. A replayed record (attempt 0) waits in the
 * first tier.
 */
public final class Ladder {

    private final List<Tier> tiers;
    private final String deadLetterTopic;

    private Ladder(List<Tier> tiers, String deadLetterTopic) {
        this.tiers = List.copyOf(tiers);
        this.deadLetterTopic = deadLetterTopic;
    }

    /**
     * Builds a ladder whose tier topics are named after their delays, for example {@code retry-1s},
     * {@code retry-4s} and {@code retry-16s} for the prefix {@code retry-}.
     */
    public static Ladder of(String topicPrefix, List<Duration> delays, String deadLetterTopic) {
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        List<String> names = new ArrayList<>();
        for (Duration delay : delays) {
            names.add(topicPrefix + formatDelay(delay));
        }
        return of(names, delays, deadLetterTopic);
    }

    /** Builds a ladder from explicit topic names, one per delay. */
    public static Ladder of(List<String> topics, List<Duration> delays, String deadLetterTopic) {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("A retry ladder needs at least one tier delay, got none");
        }
        if (topics.size() != delays.size()) {
            throw new IllegalArgumentException("Expected one tier topic per delay, got " + topics.size() + " topics "
                    + topics + " for " + delays.size() + " delays");
        }
        requireTopicName("dead-letter topic", deadLetterTopic);
        Set<String> seen = new HashSet<>();
        List<Tier> tiers = new ArrayList<>();
        Duration previous = Duration.ZERO;
        for (int i = 0; i < delays.size(); i++) {
            Duration delay = delays.get(i);
            String topic = topics.get(i);
            requireTopicName("tier topic", topic);
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException(
                        "Tier delays must be positive, got " + delay.toMillis() + " ms for tier " + i);
            }
            if (delay.compareTo(previous) < 0) {
                throw new IllegalArgumentException("Tier delays must not decrease, got " + delay.toMillis()
                        + " ms after " + previous.toMillis() + " ms; list them from shortest to longest");
            }
            if (!seen.add(topic) || topic.equals(deadLetterTopic)) {
                throw new IllegalArgumentException("Topic names in the ladder must be distinct, got " + topic
                        + " twice; tiers " + topics + ", dead-letter topic " + deadLetterTopic);
            }
            tiers.add(new Tier(i, topic, delay));
            previous = delay;
        }
        return new Ladder(tiers, deadLetterTopic);
    }

    /** Returns the default ladder: retry-1s, retry-4s, retry-16s and retry-dlq. */
    public static Ladder ofDefaults() {
        return of("retry-", List.of(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16)), "retry-dlq");
    }

    public List<Tier> tiers() {
        return tiers;
    }

    public Tier first() {
        return tiers.get(0);
    }

    public Tier last() {
        return tiers.get(tiers.size() - 1);
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public List<String> tierTopics() {
        return tiers.stream().map(Tier::topic).toList();
    }

    /** Returns the tier a record waits in after {@code attemptsMade} attempts of its budget. */
    public Tier tierAfterAttempt(int attemptsMade) {
        int index = Math.max(0, Math.min(attemptsMade - 1, tiers.size() - 1));
        return tiers.get(index);
    }

    public Optional<Tier> tierOf(String topic) {
        return tiers.stream().filter(tier -> tier.topic().equals(topic)).findFirst();
    }

    /** Returns the number of attempts a budget allows by default: the first call plus one per tier. */
    public int defaultMaxAttempts() {
        return tiers.size() + 1;
    }

    public Duration maxDelay() {
        return last().delay();
    }

    /** Formats a delay in the largest unit that divides it: 500ms, 1s, 16s, 5m, 2h. */
    public static String formatDelay(Duration delay) {
        long millis = delay.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis >= 60_000) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }

    private static void requireTopicName(String role, String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("The " + role + " name must not be empty");
        }
        if (topic.length() > 249 || !topic.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("Invalid " + role + " name '" + topic
                    + "': Kafka topic names use only letters, digits, '.', '_' and '-', at most 249 characters");
        }
    }

    @Override
    public String toString() {
        return "Ladder" + tierTopics() + " -> " + deadLetterTopic;
    }
}
