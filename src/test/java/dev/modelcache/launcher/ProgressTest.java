package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.support.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final TestClock clock = new TestClock();

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLineIsRewrittenAtMostEveryQuarterSecondWithCountBytesAndRate() {
        Progress progress = new Progress("importing", out, true, clock);
        clock.advance(Duration.ofSeconds(1));
        progress.entry(2048);
        assertEquals("\rimporting: 1 entries, 2.0 KiB, 1 entries/s", printed());
        clock.advance(Duration.ofMillis(100));
        progress.entry(10);
        assertEquals("\rimporting: 1 entries, 2.0 KiB, 1 entries/s", printed(), "not redrawn within 250 ms");
        clock.advance(Duration.ofMillis(900));
        progress.entry(10);
        assertEquals("\rimporting: 1 entries, 2.0 KiB, 1 entries/s\rimporting: 3 entries, 2.0 KiB, 2 entries/s",
                printed());
        bytes.reset();
        progress.finish();
        assertEquals("\r" + " ".repeat("importing: 3 entries, 2.0 KiB, 2 entries/s".length()) + "\r", printed());
        assertEquals("2.0 KiB in 2.0 s", progress.totals());
        assertEquals(3, progress.entries());
    }

    @Test
    void notLiveItPrintsNothingAndStillCounts() {
        Progress progress = new Progress("exporting", out, false, clock);
        progress.entry(5);
        clock.advance(Duration.ofMillis(1500));
        progress.entry(3 * 1024 * 1024);
        progress.finish();
        assertEquals("", printed());
        assertEquals("3.0 MiB in 1.5 s", progress.totals());
    }

    @Test
    void sizesInBinaryUnits() {
        assertEquals("1023 B", Progress.size(1023));
        assertEquals("1.5 KiB", Progress.size(1536));
        assertEquals("1.0 GiB", Progress.size(1L << 30));
    }
}
