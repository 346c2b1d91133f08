package io.retryladder.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.retryladder.run.LoadGenerator.LoadProgress;
import io.retryladder.run.WorkerStatus.BreakerState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveViewTest {

    @Test
    void ansiViewRedrawsInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), LiveView.Mode.ANSI, 120);

        view.show(state(Duration.ofSeconds(3)));
        int firstFrameLines = LiveView.render(state(Duration.ofSeconds(3))).size();
        String first = bytes.toString(StandardCharsets.UTF_8);
        view.show(state(Duration.ofSeconds(4)));
        String second = bytes.toString(StandardCharsets.UTF_8).substring(first.length());

        assertThat(first).doesNotContain("\u001b[" + firstFrameLines + "F");
        assertThat(second).startsWith("\u001b[" + firstFrameLines + "F");
        assertThat(second).contains("00:04");
    }

    @Test
    void ansiViewCutsLinesToTheTerminalWidth() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), LiveView.Mode.ANSI, 30);

        view.show(state(Duration.ofSeconds(3)));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8)
                .replace("\u001b[K", "")
                .replace("\u001b[J", "")
                .lines()
                .toList();
        assertThat(lines)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.length()).isLessThan(30));
    }

    @Test
    void terminalWidthFallsBackWhenUnknown() {
        assertThat(LiveView.terminalColumns("132")).isEqualTo(132);
        assertThat(LiveView.terminalColumns(null)).isEqualTo(LiveView.DEFAULT_COLUMNS);
        assertThat(LiveView.terminalColumns("wide")).isEqualTo(LiveView.DEFAULT_COLUMNS);
        assertThat(LiveView.terminalColumns("0")).isEqualTo(LiveView.DEFAULT_COLUMNS);
    }

    @Test
    void plainViewPrintsOneLineEveryFewSeconds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), LiveView.Mode.PLAIN, 120);

        view.show(state(Duration.ofSeconds(1)));
        view.show(state(Duration.ofSeconds(2)));
        view.showFinal(state(Duration.ofSeconds(3)));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("[00:01] load running: called 700/1000, published 120");
        assertThat(lines.get(1)).startsWith("[00:03]");
        assertThat(lines.get(2)).isEmpty();
        assertThat(String.join("\n", lines)).doesNotContain("\u001b");
    }

    @Test
    void viewShowsTiersBreakersAndAccounting() {
        List<String> lines = LiveView.render(state(Duration.ofSeconds(75)));

        assertThat(lines.get(0)).contains("01:15").contains("load running");
        assertThat(lines).anyMatch(line -> line.matches("Tier +retry-1s +retry-4s +retry-16s"));
        assertThat(lines).anyMatch(line -> line.matches(" +waiting records +40 +30 +0"));
        assertThat(lines).anyMatch(line -> line.matches(" +lateness p99 \\(ms\\) +13 +- +-"));
        assertThat(lines)
                .anyMatch(line -> line.contains("http://127.0.0.1:8090")
                        && line.contains("worker-1 OPEN")
                        && line.contains("worker-2 HALF_OPEN"));
        assertThat(lines).anyMatch(line -> line.contains("OUTAGE"));
        assertThat(lines).contains("Published    120 = 50 succeeded + 2 dead-lettered + 68 pending");
    }

    private static LiveView.State state(Duration elapsed) {
        Map<String, Long> waiting = new LinkedHashMap<>();
        waiting.put("retry-1s", 40L);
        waiting.put("retry-4s", 30L);
        waiting.put("retry-16s", 0L);
        Map<String, BreakerState> breaker = new LinkedHashMap<>();
        breaker.put("worker-1", BreakerState.OPEN);
        breaker.put("worker-2", BreakerState.HALF_OPEN);
        WorkerStatus workers = new WorkerStatus(
                waiting,
                Map.of("retry-1s", 12.6),
                2,
                3,
                0,
                Map.of("http://127.0.0.1:8090", breaker),
                Map.of("success", 50L));
        return new LiveView.State(
                elapsed,
                "load running",
                new LoadProgress(1000, 700, 560, 10, 120, 0, 10, 0, 0),
                900,
                4,
                Map.of(200, 700L, 503, 200L),
                "OUTAGE: all 503 for 4 s more",
                workers,
                120,
                50,
                2,
                68);
    }
}
