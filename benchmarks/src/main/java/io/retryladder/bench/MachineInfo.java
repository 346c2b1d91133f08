package io.retryladder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a run used, read from /proc.
 *
 * @param loadAverage the 1, 5 and 15 minute load averages from /proc/loadavg when read
 */
public record MachineInfo(int cores, String cpuModel, long memoryMb, String jdk, String loadAverage) {

    public static MachineInfo read() {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                firstValue(Path.of("/proc/cpuinfo"), "model name"),
                parseKb(firstValue(Path.of("/proc/meminfo"), "MemTotal")) / 1024,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                currentLoadAverage());
    }

    public static String currentLoadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String firstValue(Path file, String name) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(name)) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static long parseKb(String value) {
        try {
            return Long.parseLong(value.replace("kB", "").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
