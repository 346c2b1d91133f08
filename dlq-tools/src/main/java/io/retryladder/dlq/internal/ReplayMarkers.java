package io.retryladder.dlq.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay markers of one dead-letter topic, read from the compacted markers topic. Keys are
 * {@code <replay id>/<dead-letter topic>/<partition>:<offset>} for a replayed entry and
 * {@code <replay id>/<dead-letter topic>/run} for the start of a replay id; replay ids and topic
 * names cannot contain '/', so keys never collide.
 */
public final class ReplayMarkers {

    private static final Logger log = LoggerFactory.getLogger(ReplayMarkers.class);
    private static final String RUN = "run";

    private final Map<EntryId, List<ReplayMarker>> byEntry;
    private final Map<String, ReplayRun> runs;

    private ReplayMarkers(Map<EntryId, List<ReplayMarker>> byEntry, Map<String, ReplayRun> runs) {
        this.byEntry = byEntry;
        this.runs = runs;
    }

    public static ReplayMarkers empty() {
        return new ReplayMarkers(new HashMap<>(), new HashMap<>());
    }

    /** Reads the markers of {@code deadLetterTopic}; a missing topic contains none. */
    public static ReplayMarkers read(TopicReader reader, String topic, String deadLetterTopic) {
        ReplayMarkers markers = empty();
        reader.latestOffsets(topic)
                .ifPresent(ends -> reader.read(topic, ends, record -> {
                    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    String[] parts = key.split("/", -1);
                    if (parts.length != 3 || !parts[1].equals(deadLetterTopic) || record.value() == null) {
                        return;
                    }
                    try {
                        if (parts[2].equals(RUN)) {
                            markers.runs.put(parts[0], ReplayRun.fromJson(Json.parse(record.value())));
                        } else {
                            markers.add(ReplayMarker.fromJson(Json.parse(record.value())));
                        }
                    } catch (RuntimeException e) {
                        log.warn(
                                "Ignored the unreadable replay marker at {}-{}@{}: {}",
                                topic,
                                record.partition(),
                                record.offset(),
                                e.toString());
                    }
                }));
        return markers;
    }

    public static byte[] markerKey(String replayId, String deadLetterTopic, EntryId entry) {
        return (replayId + "/" + deadLetterTopic + "/" + entry).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] runKey(String replayId, String deadLetterTopic) {
        return (replayId + "/" + deadLetterTopic + "/" + RUN).getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the markers of {@code entry}, oldest first. */
    public List<ReplayMarker> of(EntryId entry) {
        return byEntry.getOrDefault(entry, List.of());
    }

    /** Returns the entries that replay id {@code replayId} has replayed. */
    public Set<EntryId> replayedBy(String replayId) {
        return byEntry.entrySet().stream()
                .filter(entry -> entry.getValue().stream()
                        .anyMatch(marker -> marker.replayId().equals(replayId)))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    public Optional<ReplayRun> run(String replayId) {
        return Optional.ofNullable(runs.get(replayId));
    }

    private void add(ReplayMarker marker) {
        List<ReplayMarker> markers = byEntry.computeIfAbsent(marker.entry(), id -> new ArrayList<>());
        markers.removeIf(existing -> existing.replayId().equals(marker.replayId()));
        markers.add(marker);
    }
}
