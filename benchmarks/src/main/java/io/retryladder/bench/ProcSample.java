package io.retryladder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and memory of one process, read from Linux's /proc: utime and stime from
 * {@code /proc/<pid>/stat}, VmRSS and VmHWM (peak resident set) from {@code /proc/<pid>/status}.
 *
 * @param cpuMs user plus system CPU time, in milliseconds
 * @param rssKb resident set size now, in kB
 * @param peakRssKb the highest resident set size so far, in kB
 */
public record ProcSample(long cpuMs, long rssKb, long peakRssKb) {

    private static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    /** Reads the sample of process {@code pid}, or returns null when the process is gone. */
    public static ProcSample read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in brackets and may hold spaces: state is field 3.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            return new ProcSample(ticks * 1000 / CLOCK_TICKS_PER_SECOND, kb(status, "VmRSS:"), kb(status, "VmHWM:"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long kb(List<String> status, String field) {
        for (String line : status) {
            if (line.startsWith(field)) {
                return Long.parseLong(
                        line.substring(field.length()).replace("kB", "").strip());
            }
        }
        return 0;
    }

    /** Returns the kernel's USER_HZ from {@code getconf CLK_TCK}, or 100, its value on common Linux builds. */
    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String output = new String(getconf.getInputStream().readAllBytes()).strip();
            getconf.waitFor();
            return Long.parseLong(output);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
