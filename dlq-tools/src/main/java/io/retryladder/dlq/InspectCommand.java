package io.retryladder.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import io.retryladder.dlq.internal.BinaryFormat;
import io.retryladder.dlq.internal.ByteText;
import io.retryladder.dlq.internal.DeadLetterEntry;
import io.retryladder.dlq.internal.EntryId;
import io.retryladder.dlq.internal.EntryJson;
import io.retryladder.dlq.internal.Json;
import io.retryladder.dlq.internal.ReplayMarker;
import io.retryladder.dlq.internal.Resolution;
import io.retryladder.dlq.internal.TextTable;
import io.retryladder.dlq.internal.Texts;
import io.retryladder.envelope.avro.CallerHeader;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.DeadLetterInfo;
import io.retryladder.envelope.avro.ErrorInfo;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HistoryEntry;
import io.retryladder.envelope.avro.HttpHeader;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.avro.Origin;
import io.retryladder.envelope.avro.TierPosition;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Shows one dead letter in full: the record's key and every header, the envelope with the request"
                    + " body or payload, the history of attempts, errors and replays, and its resolution.",
            "Bytes that are printable UTF-8 are shown as text, and JSON is indented; other bytes are shown in the"
                    + " --binary format. An entry that cannot be decoded is shown raw with the reason."
        })
final class InspectCommand implements Callable<Integer> {

    @ParentCommand
    DlqToolsCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "ID", description = "Id of the dead letter, <partition>:<offset>, as list prints it.")
    EntryId id;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table for a readable layout, or json for one JSON document. Default: table.")
    OutputFormat output;

    @Option(
            names = "--binary",
            paramLabel = "FORMAT",
            defaultValue = "hex",
            description = "How bytes that are not UTF-8 text are shown: hex or base64. Default: hex.")
    BinaryFormat binary;

    @Override
    public Integer call() {
        try (Session session = Session.open(connection, parent.context, "inspect")) {
            Map<Integer, Long> ends = session.deadLetters.endOffsets();
            DeadLetterEntry entry =
                    session.deadLetters.read(id, ends).orElseThrow(() -> notFound(session.deadLetters.name(), ends));
            Resolution resolution = session.resolutions().of(entry).orElse(null);
            List<ReplayMarker> replays = session.markers().of(entry.id());
            PrintWriter out = spec.commandLine().getOut();
            if (output == OutputFormat.JSON) {
                out.println(Json.pretty(EntryJson.full(entry, resolution, replays, binary)));
            } else {
                printEntry(out, entry, resolution, replays);
            }
            out.flush();
        }
        return ExitCodes.SUCCESS;
    }

    private ToolException notFound(String topic, Map<Integer, Long> ends) {
        String where = ends.containsKey(id.partition())
                ? "partition " + id.partition() + " ends at offset " + ends.get(id.partition())
                        + ", and retention or an aborted transaction may have removed the offset"
                : topic + " has partitions 0 to " + (ends.size() - 1);
        return new ToolException(
                ExitCodes.FAILURE,
                "No dead letter " + id + " in " + topic + ": " + where + "; list prints the ids that exist");
    }

    private void printEntry(PrintWriter out, DeadLetterEntry entry, Resolution resolution, List<ReplayMarker> replays) {
        out.println("Dead letter " + entry.id() + " in " + entry.topic() + " (partition " + entry.partition()
                + ", offset " + entry.offset() + ")");
        out.println("  Record timestamp: " + Texts.time(Instant.ofEpochMilli(entry.timestampMs())));
        out.println("  Record key:       " + ByteText.display(entry.key(), binary));
        if (resolution != null) {
            out.println("  Resolved:         at " + Texts.time(resolution.resolvedAt()) + " by "
                    + resolution.resolvedBy() + (resolution.note() == null ? "" : ": " + resolution.note()));
        }
        printHeaders(out, entry);
        if (entry.envelope() == null) {
            out.println();
            out.println("Unreadable: " + entry.unreadableReason());
            printBytes(out, "Value", entry.value());
        } else {
            printEnvelope(out, entry.envelope());
        }
        printReplays(out, replays);
    }

    private void printHeaders(PrintWriter out, DeadLetterEntry entry) {
        Header[] headers = entry.headers().toArray();
        out.println("  Record headers (" + headers.length + "):");
        for (Header header : headers) {
            out.println("    " + header.key() + ": " + ByteText.display(header.value(), binary));
        }
    }

    private void printEnvelope(PrintWriter out, FailedOperation envelope) {
        out.println();
        out.println("Envelope (schema version " + envelope.getSchemaVersion() + ")");
        out.println("  Idempotency key:  " + envelope.getIdempotencyKey());
        out.println("  Operation id:     " + envelope.getOperationId());
        out.println("  Attempt:          " + envelope.getAttempt() + " of " + envelope.getMaxAttempts()
                + " in this budget, " + envelope.getTotalAttempts() + " in all");
        out.println("  First failure:    " + Texts.time(envelope.getFirstFailureAt()));
        out.println("  Last failure:     " + Texts.time(envelope.getLastFailureAt()));
        out.println("  Due:              " + Texts.time(envelope.getDueAt()));
        ErrorInfo error = envelope.getLastError();
        String retryable = error.getRetryable() ? " (retryable): " : " (not retryable): ";
        out.println("  Last error:       " + Texts.error(error) + retryable + error.getMessage());
        printWhereabouts(out, envelope);

        printRequest(out, envelope.getRequest());

        out.println("  Caller headers (" + envelope.getCallerHeaders().size() + "):");
        for (CallerHeader header : envelope.getCallerHeaders()) {
            out.println("    " + header.getName() + ": " + ByteText.display(ByteText.of(header.getValue()), binary));
        }

        printHistory(out, envelope.getHistory());
    }

    /** Prints where the operation came from, which tier record carried it last, and its dead-letter and replay info. */
    private static void printWhereabouts(PrintWriter out, FailedOperation envelope) {
        Origin origin = envelope.getOrigin();
        String record = origin.getTopic() == null
                ? ""
                : ", record " + origin.getTopic() + "-" + origin.getPartition() + "@" + origin.getOffset();
        out.println("  Origin:           service " + origin.getService() + record);
        TierPosition hop = envelope.getHop();
        if (hop != null) {
            out.println("  Last tier record: " + hop.getTopic() + "-" + hop.getPartition() + "@" + hop.getOffset());
        }
        DeadLetterInfo deadLetter = envelope.getDeadLetter();
        if (deadLetter != null) {
            String worker = deadLetter.getWorker() == null ? "" : " by " + deadLetter.getWorker();
            out.println(
                    "  Dead-lettered:    " + deadLetter.getReason() + " at " + Texts.time(deadLetter.getAt()) + worker);
        }
        String latest = envelope.getReplayId() == null ? "" : " (latest replay id " + envelope.getReplayId() + ")";
        out.println("  Replay count:     " + envelope.getReplayCount() + latest);
    }

    private void printRequest(PrintWriter out, Object request) {
        if (request instanceof HttpRequest http) {
            out.println("  Request:          HTTP " + http.getMethod() + " " + http.getUrl()
                    + (http.getTimeoutMs() == null ? "" : ", timeout " + http.getTimeoutMs() + " ms"));
            for (HttpHeader header : http.getHeaders()) {
                String value = header.getSecretRef() != null
                        ? "(secret, resolved by the worker from reference " + header.getSecretRef() + ")"
                        : header.getValue();
                out.println("    " + header.getName() + ": " + value);
            }
            printBytes(out, "  Body", ByteText.of(http.getBody()));
            return;
        }
        CustomOperation custom = (CustomOperation) request;
        out.println("  Request:          custom operation of type " + custom.getType());
        printBytes(out, "  Payload", ByteText.of(custom.getPayload()));
    }

    private void printBytes(PrintWriter out, String label, byte[] bytes) {
        if (bytes == null) {
            out.println(label + ": null");
            return;
        }
        if (bytes.length == 0) {
            out.println(label + ": (empty, 0 bytes)");
            return;
        }
        String text = ByteText.textOrNull(bytes);
        JsonNode json = text == null ? null : Json.parseOrNull(bytes);
        if (json != null && json.isContainerNode()) {
            out.println(label + " (" + bytes.length + " bytes, JSON):");
            indent(out, Json.pretty(json));
        } else if (text != null) {
            out.println(label + " (" + bytes.length + " bytes, text):");
            indent(out, text);
        } else {
            out.println(label + " (" + bytes.length + " bytes, not UTF-8 text, " + binary.label() + "):");
            String encoded = binary.encode(bytes);
            for (int start = 0; start < encoded.length(); start += 64) {
                out.println("    " + encoded.substring(start, Math.min(encoded.length(), start + 64)));
            }
        }
    }

    private static void indent(PrintWriter out, String text) {
        for (String line : text.split("\r?\n", -1)) {
            out.println("    " + line);
        }
    }

    private static void printHistory(PrintWriter out, List<HistoryEntry> history) {
        out.println();
        out.println("History (" + history.size() + " events, oldest first):");
        TextTable table = new TextTable(
                List.of("AT", "EVENT", "ATTEMPT", "ERROR", "REPLAY ID", "MESSAGE"), 20, 14, 7, 24, 40, 80);
        for (HistoryEntry event : history) {
            String error = event.getErrorKind() == null
                    ? (event.getHttpStatus() == null ? "-" : "HTTP " + event.getHttpStatus())
                    : event.getErrorKind() + (event.getHttpStatus() == null ? "" : " " + event.getHttpStatus());
            table.add(
                    Texts.time(event.getAt()),
                    event.getEvent().name(),
                    Integer.toString(event.getAttempt()),
                    error,
                    event.getReplayId(),
                    event.getMessage());
        }
        if (!table.isEmpty()) {
            table.print(out);
        }
    }

    private static void printReplays(PrintWriter out, List<ReplayMarker> replays) {
        out.println();
        if (replays.isEmpty()) {
            out.println("Replays of this entry: none");
            return;
        }
        out.println("Replays of this entry (" + replays.size() + "):");
        for (ReplayMarker marker : replays) {
            out.println(
                    "  " + marker.replayId() + ": to " + marker.tierTopic() + " at " + Texts.time(marker.replayedAt())
                            + " by " + marker.replayedBy() + " as replay " + marker.replayCount());
        }
    }
}
