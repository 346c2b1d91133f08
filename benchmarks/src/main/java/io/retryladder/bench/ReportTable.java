package io.retryladder.bench;

import java.util.List;
import java.util.Locale;

/** Formats a {@link RunReport} as the plain-text tables the harness prints and docs/benchmarks.md quotes. */
public final class ReportTable {

    private ReportTable() {}

    public static String format(RunReport report) {
        StringBuilder out = new StringBuilder();
        header(out, report);
        capacity(out, report);
        steps(out, report);
        burst(out, report);
        ceiling(out, report);
        targets(out, report);
        return out.toString();
    }

    private static void header(StringBuilder out, RunReport report) {
        boolean smoke = report.label().equals("smoke");
        line(
                out,
                "Retry Ladder end-to-end benchmark, %s run started %s (%s)%s",
                report.label(),
                report.startedAt(),
                report.status(),
                smoke ? ": SMOKE RUN, short steps and a small burst, numbers show only that it works" : "");
        MachineInfo machine = report.machine();
        line(
                out,
                "Machine: %d cores (%s), %d MB, %s; load average %s at start, %s at end",
                machine.cores(),
                machine.cpuModel(),
                machine.memoryMb(),
                machine.jdk(),
                machine.loadAverage(),
                report.loadAverageAtEnd());
        line(
                out,
                "Workload: %.2f downstream calls per operation (attempt 1 fails before either system; 50%% succeed"
                        + " at 2, 30%% at 3, 15%% at 4, 5%% dead-lettered)",
                report.retriesPerOperation());
        out.append('\n');
    }

    private static void capacity(StringBuilder out, RunReport report) {
        if (report.capacity().isEmpty()) {
            return;
        }
        line(
                out,
                "Capacity: highest steady rate held (entry lag <= 1 s of publications when publishing ends,"
                        + " p99 lateness <= 50 ms at every tier, every key terminal)");
        line(
                out,
                "%-15s %5s %9s %9s %18s %5s %6s %9s %8s",
                "system",
                "L ms",
                "ops/s",
                "calls/s",
                "p99 1s/4s/16s ms",
                "dup",
                "DLQ %",
                "CPU ms/op",
                "RSS MB");
        for (CapacityResult result : report.capacity()) {
            TrialResult at = result.atCapacity();
            if (at == null) {
                line(
                        out,
                        "%-15s %5d %9s %9s %18s %5s %6s %9s %8s",
                        result.system(),
                        result.latencyMs(),
                        "0",
                        "0",
                        "-",
                        "-",
                        "-",
                        "-",
                        "-");
                continue;
            }
            line(
                    out,
                    "%-15s %5d %9.0f %9.0f %18s %5d %6.1f %9.2f %8.0f",
                    result.system(),
                    result.latencyMs(),
                    result.highestHeldRate(),
                    result.impliedCallsPerSecond(),
                    p99s(at),
                    at.duplicates(),
                    deadLetterPercent(at),
                    at.cpuMsPerOperation(),
                    at.peakRssMb());
        }
        out.append('\n');
    }

    private static void steps(StringBuilder out, RunReport report) {
        if (report.capacity().isEmpty()) {
            return;
        }
        line(out, "Capacity steps");
        line(
                out,
                "%-15s %5s %8s %8s %9s %18s %9s %5s %7s  %s",
                "system",
                "L ms",
                "rate/s",
                "sent/s",
                "drained s",
                "p99 1s/4s/16s ms",
                "max lag",
                "dup",
                "CPU s",
                "verdict");
        for (CapacityResult result : report.capacity()) {
            for (TrialResult step : result.steps()) {
                line(
                        out,
                        "%-15s %5d %8.0f %8.0f %9.1f %18s %9d %5d %7.1f  %s",
                        step.system(),
                        step.latencyMs(),
                        step.targetRatePerSecond(),
                        step.achievedRatePerSecond(),
                        step.drainSeconds(),
                        p99s(step),
                        step.maxEntryLag(),
                        step.duplicates(),
                        step.cpuSeconds(),
                        step.verdict());
            }
        }
        out.append('\n');
    }

    private static void burst(StringBuilder out, RunReport report) {
        if (report.burst().isEmpty()) {
            return;
        }
        line(out, "Burst: operations published at once; lateness p50/p90/p99/max in ms per tier");
        line(
                out,
                "%-15s %5s %7s %9s %9s %19s %19s %19s %5s %6s %7s %7s",
                "system",
                "L ms",
                "ops",
                "publish s",
                "drained s",
                "tier 1s",
                "tier 4s",
                "tier 16s",
                "dup",
                "DLQ %",
                "CPU s",
                "RSS MB");
        for (TrialResult trial : report.burst()) {
            List<Lateness> lateness = trial.lateness();
            line(
                    out,
                    "%-15s %5d %7d %9.1f %9.1f %19s %19s %19s %5d %6.1f %7.1f %7.0f",
                    trial.system(),
                    trial.latencyMs(),
                    trial.operations(),
                    trial.publishSeconds(),
                    trial.drainSeconds(),
                    spread(lateness, 0),
                    spread(lateness, 1),
                    spread(lateness, 2),
                    trial.duplicates(),
                    deadLetterPercent(trial),
                    trial.cpuSeconds(),
                    trial.peakRssMb());
            if (!trial.held()) {
                line(out, "  %s: %s", trial.system(), trial.verdict());
            }
            if (trial.publishAcknowledged() != null
                    && trial.publishAcknowledged().count() > 0) {
                Lateness ack = trial.publishAcknowledged();
                line(
                        out,
                        "  %s publication acknowledged after p50/p99/max %d/%d/%d ms",
                        trial.system(),
                        ack.p50Ms(),
                        ack.p99Ms(),
                        ack.maxMs());
            }
            if (trial.firstTierVsEnvelope() != null) {
                Lateness envelope = trial.firstTierVsEnvelope();
                line(
                        out,
                        "  %s tier 1s against the publisher's envelope due time: %d/%d/%d/%d",
                        trial.system(),
                        envelope.p50Ms(),
                        envelope.p90Ms(),
                        envelope.p99Ms(),
                        envelope.maxMs());
            }
        }
        out.append('\n');
    }

    private static void ceiling(StringBuilder out, RunReport report) {
        CeilingResult ceiling = report.ceiling();
        if (ceiling == null) {
            return;
        }
        line(
                out,
                "Ceiling: transactional consume-then-produce of %d records of %d bytes with %d threads: %.0f"
                        + " records/s over %.1f s (copier CPU %.1f s, RSS %.0f MB) %s",
                ceiling.records(),
                ceiling.recordBytes(),
                ceiling.threads(),
                ceiling.recordsPerSecond(),
                ceiling.seconds(),
                ceiling.cpuSeconds(),
                ceiling.peakRssMb(),
                ceiling.verdict());
        out.append('\n');
    }

    private static void targets(StringBuilder out, RunReport report) {
        line(out, "Targets");
        for (TargetCheck check : report.targets()) {
            line(out, "[%s] %s: %s", check.status(), check.target(), check.detail());
        }
    }

    private static String p99s(TrialResult trial) {
        List<Lateness> lateness = trial.lateness();
        if (lateness.size() < 3) {
            return "-";
        }
        return lateness.get(0).p99Ms() + "/" + lateness.get(1).p99Ms() + "/"
                + lateness.get(2).p99Ms();
    }

    private static String spread(List<Lateness> lateness, int tier) {
        if (lateness.size() <= tier) {
            return "-";
        }
        Lateness value = lateness.get(tier);
        return value.p50Ms() + "/" + value.p90Ms() + "/" + value.p99Ms() + "/" + value.maxMs();
    }

    private static double deadLetterPercent(TrialResult trial) {
        return trial.published() == 0 ? 0 : 100.0 * trial.deadLetters() / trial.published();
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
