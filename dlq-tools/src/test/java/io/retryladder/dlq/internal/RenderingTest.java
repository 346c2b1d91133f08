package io.retryladder.dlq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How bytes, tables and progress are written out. */
class RenderingTest {

    @Test
    void bytesAsTextOrBinary() {
        assertThat(ByteText.display(null, BinaryFormat.HEX)).isEqualTo("null");
        assertThat(ByteText.display(new byte[0], BinaryFormat.HEX)).isEqualTo("(empty)");
        assertThat(ByteText.display("caf\u00e9 \"x\"".getBytes(StandardCharsets.UTF_8), BinaryFormat.HEX))
                .isEqualTo("\"caf\u00e9 \\\"x\\\"\"");
        assertThat(ByteText.display(new byte[] {(byte) 0xC3, 0x28}, BinaryFormat.HEX))
                .isEqualTo("hex c328 (2 bytes, not UTF-8 text)");
        assertThat(ByteText.display(new byte[] {0, 1}, BinaryFormat.BASE64))
                .isEqualTo("base64 AAE= (2 bytes, not UTF-8 text)");
        assertThat(ByteText.json(null, BinaryFormat.HEX).isNull()).isTrue();
        assertThat(ByteText.json(new byte[] {(byte) 0xFF}, BinaryFormat.HEX).toString())
                .isEqualTo("{\"size\":1,\"hex\":\"ff\"}");
        assertThat(ByteText.json("a\nb".getBytes(StandardCharsets.UTF_8), BinaryFormat.HEX)
                        .toString())
                .isEqualTo("{\"size\":3,\"text\":\"a\\nb\"}");
    }

    @Test
    void tableAlignsAndShortensCells() {
        TextTable table = new TextTable(List.of("ID", "NAME"), 8, 6);
        table.add("0:1", "abcdefghij");
        table.add("10:200", null);
        StringWriter out = new StringWriter();

        table.print(new PrintWriter(out, true));

        assertThat(out.toString().lines()).containsExactly("ID      NAME", "0:1     abc...", "10:200  -");
    }

    @Test
    void progressLinesWithoutTerminal() {
        StringWriter out = new StringWriter();
        Progress progress = new Progress(new PrintWriter(out, true), false, 10);

        progress.update(5);
        progress.finish(10);

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("Replayed 10 of 10 (100%)");
        assertThat(out.toString()).contains("records/s", "done");
    }

    @Test
    void progressBarOnTerminal() {
        StringWriter out = new StringWriter();
        Progress progress = new Progress(new PrintWriter(out, true), true, 4);

        progress.update(1);
        progress.finish(4);

        assertThat(out.toString()).startsWith("\r[#######-----------------------] 1/4 25%");
        assertThat(out.toString()).contains("about", "left", "\r[##############################] 4/4 100%");
    }

    @Test
    void pacerHoldsRate() throws Exception {
        RatePacer pacer = new RatePacer(50);
        long start = System.nanoTime();
        for (int i = 0; i < 26; i++) {
            pacer.acquire();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        // 25 intervals of 20 ms each; the upper bound leaves room for a busy machine.
        assertThat(seconds).isBetween(0.49, 5.0);
        assertThat(new RatePacer(0).nanosUntilNext()).isZero();
    }
}
