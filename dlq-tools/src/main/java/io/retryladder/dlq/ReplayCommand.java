package io.retryladder.dlq;

import io.retryladder.dlq.internal.CompactedTopics;
import io.retryladder.dlq.internal.EntryFilter;
import io.retryladder.dlq.internal.EntryId;
import io.retryladder.dlq.internal.KafkaFailures;
import io.retryladder.dlq.internal.OperationStates;
import io.retryladder.dlq.internal.Progress;
import io.retryladder.dlq.internal.RatePacer;
import io.retryladder.dlq.internal.ReplayMarkers;
import io.retryladder.dlq.internal.ReplayPlan;
import io.retryladder.dlq.internal.ReplayPlanner;
import io.retryladder.dlq.internal.ReplayRun;
import io.retryladder.dlq.internal.ReplayWriter;
import io.retryladder.dlq.internal.Replays;
import io.retryladder.dlq.internal.Texts;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.Tier;
import io.retryladder.envelope.state.OperationState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Sends selected dead letters back into the first tier, or the tier named by --tier, with a fresh"
                    + " attempt budget: attempt 0 of the envelope's maxAttempts, the replay count raised by one and"
                    + " the replay id recorded. The record key, the caller's headers and the request bytes stay as"
                    + " they were.",
            "",
            "A replay reads the dead-letter topic only up to the end offsets of its first run, so dead letters"
                    + " that its own records produce are never replayed by it. Each replayed record is written"
                    + " with a marker in one Kafka transaction, and each dead letter is replayed at most once per"
                    + " replay id: after an interruption, run the command again with the same --replay-id to"
                    + " resume.",
            "",
            "Entries are skipped when the workers would drop the replay anyway (the key has succeeded meanwhile,"
                    + " or a later replay of the operation exists), refused at the replay cap unless --force, and"
                    + " never replayed when they cannot be decoded. The summary lists each group."
        })
final class ReplayCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ReplayCommand.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @ParentCommand
    DlqToolsCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FilterOptions filters;

    @Parameters(
            paramLabel = "ID",
            arity = "0..*",
            description = "Ids of the dead letters to replay, <partition>:<offset>; filters narrow them further.")
    List<EntryId> ids = new ArrayList<>();

    @Option(
            names = "--all",
            description = "Replay every dead letter the filters select, also when no id or filter is given.")
    boolean all;

    @Option(
            names = "--tier",
            paramLabel = "TIER",
            description = "Tier topic to replay into, by name or by number counting from 1. Default: the first tier.")
    String tierName;

    @Option(
            names = "--replay-id",
            paramLabel = "ID",
            description = "Id of this replay: 1 to 64 letters, digits, '.', '_' or '-'. Generated and printed when"
                    + " absent. Running again with the same id resumes the replay and replays nothing twice.")
    String replayId;

    @Option(names = "--dry-run", description = "Print what would be replayed and skipped, and change nothing.")
    boolean dryRun;

    @Option(
            names = "--rate",
            paramLabel = "RECORDS_PER_SECOND",
            defaultValue = "0",
            description = "Replay at most this many records per second; 0 sets no cap. Default: 0.")
    double rate;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "Replay at most N dead letters in this run; 0 sets no limit. A later run with the same"
                    + " --replay-id continues with the rest. Default: 0.")
    int limit;

    @Option(
            names = "--confirm-above",
            paramLabel = "N",
            description = "Ask for confirmation on the terminal before replaying more than N dead letters (sets "
                    + DlqToolsConfig.CONFIRM_ABOVE + ", default 100). Without a terminal the replay is refused"
                    + " unless --yes is given.")
    Integer confirmAbove;

    @Option(
            names = {"-y", "--yes"},
            description = "Replay without asking for confirmation.")
    boolean yes;

    @Option(
            names = "--max-replays",
            paramLabel = "N",
            description = "Replay cap: refuse dead letters whose replay count has reached N (sets "
                    + DlqToolsConfig.MAX_REPLAYS + ", default 3).")
    Integer maxReplays;

    @Option(names = "--force", description = "Replay dead letters at the replay cap too.")
    boolean force;

    @Option(
            names = "--no-state-check",
            description = "Do not read the workers' state topic. Keys that have succeeded meanwhile are then"
                    + " replayed too, and the workers drop those replays while they remember the key.")
    boolean noStateCheck;

    @Override
    public Integer call() {
        validateOptions();
        PrintWriter out = spec.commandLine().getOut();
        boolean generated = replayId == null;
        String id = generated ? Replays.newId(parent.context.clock().instant()) : replayId;
        try (Session session = Session.open(connection, parent.context, "replay")) {
            Tier tier = chooseTier(session.config.ladder());
            out.println("Replay id " + id + (generated ? " (generated; pass --replay-id " + id + " to resume it)" : "")
                    + ": " + session.deadLetters.name() + " -> " + tier.topic() + (dryRun ? ", dry run" : ""));
            out.flush();
            if (dryRun) {
                Planned planned = plan(session, id);
                ReplayReport.printCandidates(out, planned.plan(), tier.topic());
                ReplayReport.printSummary(
                        out,
                        planned.plan(),
                        id,
                        tier.topic(),
                        planned.plan().toReplay().size(),
                        true,
                        List.of());
                out.println("Dry run: nothing was written.");
                int count = planned.plan().toReplay().size();
                int threshold =
                        confirmAbove != null ? confirmAbove : session.config.getInt(DlqToolsConfig.CONFIRM_ABOVE);
                if (count > threshold && !yes) {
                    out.println("The replay itself will ask for confirmation: " + Texts.deadLetters(count)
                            + " are more than --confirm-above " + threshold
                            + ". Answer the prompt on a terminal, or pass --yes.");
                }
                out.flush();
                return planned.plan().isPartial() ? ExitCodes.PARTIAL : ExitCodes.SUCCESS;
            }
            return replay(session, id, tier, out);
        }
    }

    private void validateOptions() {
        if (limit < 0) {
            throw ToolException.usage("--limit must be 0 (no limit) or more, got " + limit);
        }
        if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw ToolException.usage(
                    "--rate must be 0 (no cap) or a positive number of records per second, got " + rate);
        }
        if (confirmAbove != null && confirmAbove < 0) {
            throw ToolException.usage("--confirm-above must be 0 or more, got " + confirmAbove);
        }
        if (maxReplays != null && maxReplays < 0) {
            throw ToolException.usage("--max-replays must be 0 or more, got " + maxReplays);
        }
        if (replayId != null) {
            try {
                Replays.requireValidId(replayId);
            } catch (IllegalArgumentException e) {
                throw ToolException.usage(e.getMessage());
            }
        }
        if (ids.isEmpty()
                && !all
                && !filters.toFilter(parent.context.clock(), Set.of()).isRestricted()) {
            throw ToolException.usage(
                    "replay needs ids or at least one filter; pass --all to replay every dead letter");
        }
    }

    private Tier chooseTier(Ladder ladder) {
        if (tierName == null) {
            return ladder.first();
        }
        Optional<Tier> byName = ladder.tierOf(tierName);
        if (byName.isPresent()) {
            return byName.get();
        }
        if (tierName.matches("\\d{1,3}")) {
            int number = Integer.parseInt(tierName);
            if (number >= 1 && number <= ladder.tiers().size()) {
                return ladder.tiers().get(number - 1);
            }
        }
        throw ToolException.usage("Unknown tier '" + tierName + "': expected one of " + ladder.tierTopics()
                + " or a number from 1 to " + ladder.tiers().size()
                + "; check --topic-prefix and --tier-delays-ms when the ladder differs");
    }

    private int replay(Session session, String id, Tier tier, PrintWriter out) {
        String markersTopic = session.config.markersTopic();
        CompactedTopics.ensure(session.clients, markersTopic);
        // The broker aborts a transaction left open by a killed run after this timeout. Until then,
        // read_committed consumers of the tier partitions, the workers among them, wait at it.
        Duration transactionTimeout = Duration.ofMillis(session.config.getInt(DlqToolsConfig.TRANSACTION_MAX_MS))
                .plus(session.config.requestTimeout());
        KafkaProducer<byte[], byte[]> producer =
                session.clients.producer("replay", session.config.transactionalId(id), transactionTimeout);
        try {
            initTransactions(producer, session.config.transactionalId(id));
            Planned planned = plan(session, id);
            ReplayPlan plan = planned.plan();
            if (parent.context.stopSignal().isRequested()) {
                out.println("Stopped before replaying anything.");
                return ExitCodes.INTERRUPTED;
            }
            if (!confirmed(session, tier, id, plan.toReplay().size(), out)) {
                out.println("Cancelled; nothing was replayed.");
                return ExitCodes.FAILURE;
            }
            return write(session, producer, planned, id, tier, out);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    private void initTransactions(KafkaProducer<byte[], byte[]> producer, String transactionalId) {
        try {
            // Fences an earlier run of the same replay id and aborts its open transaction, if any.
            producer.initTransactions();
        } catch (KafkaException e) {
            throw ToolException.failure(
                    KafkaFailures.describe("start a transaction with transactional id " + transactionalId, e), e);
        }
    }

    /** Reads the markers, the dead letters up to the replay's end offsets and the workers' state, and plans. */
    private Planned plan(Session session, String id) {
        ReplayMarkers markers = session.markers();
        Optional<ReplayRun> earlierRun = markers.run(id);
        Map<Integer, Long> ends = earlierRun.map(ReplayRun::endOffsets).orElseGet(session.deadLetters::endOffsets);
        PrintWriter out = spec.commandLine().getOut();
        if (earlierRun.isPresent()) {
            out.println("Resuming replay " + id + " started at "
                    + Texts.time(earlierRun.get().startedAt()) + " by "
                    + earlierRun.get().startedBy() + "; it covers dead letters below the offsets "
                    + offsets(ends) + ". Use a new --replay-id for dead letters that arrived since.");
        }
        EntryFilter filter = filters.toFilter(parent.context.clock(), new HashSet<>(ids));
        ReplayPlanner planner = new ReplayPlanner(
                id,
                maxReplays != null ? maxReplays : session.config.getInt(DlqToolsConfig.MAX_REPLAYS),
                force,
                filters.includeResolved,
                filter,
                session.resolutions(),
                markers.replayedBy(id));
        session.deadLetters.scan(ends, planner::accept);
        Map<String, OperationState> states = noStateCheck ? null : readStates(session, planner.keysToCheck());
        return new Planned(planner.plan(states, limit, new HashSet<>(ids)), ends, earlierRun.isEmpty());
    }

    private static Map<String, OperationState> readStates(Session session, Set<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        String topic = session.config.operationsChangelogTopic();
        return OperationStates.read(session.reader, topic, keys)
                .orElseThrow(() -> ToolException.failure(
                        "The workers' state topic " + topic + " does not exist: set --application-id to the"
                                + " workers' application.id, or pass --no-state-check to replay without skipping keys"
                                + " that have succeeded",
                        null));
    }

    private boolean confirmed(Session session, Tier tier, String id, int count, PrintWriter out) {
        int threshold = confirmAbove != null ? confirmAbove : session.config.getInt(DlqToolsConfig.CONFIRM_ABOVE);
        if (count <= threshold || yes) {
            return true;
        }
        Terminal terminal = parent.context.terminal();
        if (!terminal.isInteractive()) {
            throw ToolException.usage("Refusing to replay " + Texts.deadLetters(count) + " without confirmation: more"
                    + " than --confirm-above " + threshold + " and no terminal to ask on; pass --yes to confirm");
        }
        out.flush();
        String answer = terminal.readLine("Replay " + Texts.deadLetters(count) + " from " + session.deadLetters.name()
                + " to " + tier.topic() + " with replay id " + id + "? Type yes to continue: ");
        return answer != null && answer.strip().equalsIgnoreCase("yes");
    }

    private int write(
            Session session,
            KafkaProducer<byte[], byte[]> producer,
            Planned planned,
            String id,
            Tier tier,
            PrintWriter out) {
        ReplayPlan plan = planned.plan();
        Map<EntryId, Boolean> targets = new HashMap<>();
        Map<Integer, Long> starts = new TreeMap<>();
        for (ReplayPlan.Candidate candidate : plan.toReplay()) {
            targets.put(candidate.id(), Boolean.FALSE);
            starts.merge(candidate.id().partition(), candidate.id().offset(), Math::min);
        }
        Map<Integer, Long> ends = new HashMap<>(planned.ends());
        ends.keySet().retainAll(starts.keySet());
        Progress progress = new Progress(
                spec.commandLine().getErr(), parent.context.terminal().isInteractive(), targets.size());
        ReplayWriter writer = new ReplayWriter(
                producer,
                session.deadLetters.codec(),
                tier,
                session.deadLetters.name(),
                session.config.markersTopic(),
                id,
                System.getProperty("user.name"),
                parent.context.clock(),
                new ReplayWriter.Limits(
                        session.config.getInt(DlqToolsConfig.TRANSACTION_MAX_RECORDS),
                        Duration.ofMillis(session.config.getInt(DlqToolsConfig.TRANSACTION_MAX_MS))),
                new RatePacer(rate),
                progress,
                parent.context.stopSignal()::isRequested);
        if (planned.firstRun()) {
            writer.recordRun(new ReplayRun(
                    id, parent.context.clock().instant(), System.getProperty("user.name"), planned.ends()));
        }
        if (!parent.context.stopSignal().guard()) {
            out.println("Stopped before replaying anything.");
            return ExitCodes.INTERRUPTED;
        }
        boolean stopped = false;
        progress.update(0);
        try {
            session.deadLetters.scan(starts, ends, entry -> {
                if (targets.replace(entry.id(), Boolean.TRUE) != null) {
                    writer.replay(entry);
                }
            });
            writer.finish();
        } catch (ReplayWriter.StopRequested e) {
            stopped = true;
        } catch (RuntimeException e) {
            writer.abort();
            out.println("Replayed and committed " + Texts.deadLetters(writer.committed()) + " before the failure;"
                    + " the open transaction was aborted. Run again with --replay-id " + id + " to resume.");
            out.flush();
            throw e;
        }
        progress.finish(writer.committed());
        log.info("Replay {} committed {} records to {}", id, writer.committed(), tier.topic());
        if (stopped) {
            out.println("Stopped after replaying " + Texts.deadLetters(writer.committed()) + "; the open transaction"
                    + " was aborted. Run again with --replay-id " + id + " to resume.");
            out.flush();
            return ExitCodes.INTERRUPTED;
        }
        List<EntryId> vanished = targets.entrySet().stream()
                .filter(entry -> !entry.getValue())
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        ReplayReport.printSummary(out, plan, id, tier.topic(), writer.committed(), false, vanished);
        out.flush();
        return plan.isPartial() || !vanished.isEmpty() ? ExitCodes.PARTIAL : ExitCodes.SUCCESS;
    }

    private static String offsets(Map<Integer, Long> ends) {
        return new TreeMap<>(ends)
                .entrySet().stream()
                        .map(entry -> entry.getKey() + ":" + entry.getValue())
                        .collect(Collectors.joining(", "));
    }

    /**
     * A plan with the end offsets it covers.
     *
     * @param firstRun whether no earlier run of the replay id recorded its start
     */
    private record Planned(ReplayPlan plan, Map<Integer, Long> ends, boolean firstRun) {}
}
