package dev.modelcache.replay.cassette;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk of a folder of record files (cassette folders, import, the export command, {@code export --clean}) lists
 * regular files only: a FIFO, a link or a folder named like a record is skipped, never opened or followed.
 */
class RecordScanTest {
    @TempDir
    Path dir;

    @Test
    void onlyRegularFilesAreListedAndLinksAreNotFollowed() throws Exception {
        Path cassettes = Files.createDirectories(dir.resolve("cassettes/_default/openai"));
        Files.writeString(cassettes.resolve("a.mcr"), "a");
        Files.writeString(cassettes.resolve("b.mcr"), "b");
        Files.createDirectories(cassettes.resolve("x.tmp"));
        Files.writeString(cassettes.resolve("x.tmp/c.mcr"), "c");
        Path outside = Files.writeString(dir.resolve("outside.mcr"), "not in the folder");
        Files.createSymbolicLink(cassettes.resolve("link.mcr"), outside);
        Files.createSymbolicLink(cassettes.resolve("folder-link"), dir);
        boolean fifo = mkfifo(cassettes.resolve("fifo.mcr"));

        List<String> files = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> RecordScan.files(dir.resolve("cassettes")));
        assertEquals(List.of("_default/openai/a.mcr", "_default/openai/b.mcr", "_default/openai/x.tmp/c.mcr"), files);
        assertTrue(fifo || !linux(), "mkfifo works on Linux");
    }

    @Test
    void aFolderReachedThroughALinkIsWalked() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real/_default"));
        Files.writeString(real.resolve("a.mcr"), "a");
        Path link = Files.createSymbolicLink(dir.resolve("cassettes"), dir.resolve("real"));
        assertEquals(List.of("_default/a.mcr"), RecordScan.files(link), "the configured folder may be a link");
    }

    private static boolean linux() {
        return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux");
    }

    private static boolean mkfifo(Path path) {
        try {
            Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            assumeTrue(linux(), "no mkfifo here");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
