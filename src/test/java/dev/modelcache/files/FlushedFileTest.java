package dev.modelcache.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bookkeeping file is written only after a change, again after a failed write, and once more when closed. */
class FlushedFileTest {
    @TempDir
    Path dir;

    @Test
    void writesOnlyAfterAChangeAndTriesAgainAfterAFailedWrite() throws Exception {
        Path file = dir.resolve("counts.json");
        AtomicInteger snapshots = new AtomicInteger();
        try (FlushedFile flushed = new FlushedFile(file, "test", "the test file",
                () -> ("n=" + snapshots.incrementAndGet()).getBytes(StandardCharsets.UTF_8))) {
            flushed.flush();
            assertFalse(Files.exists(file), "nothing changed yet");
            flushed.changed();
            flushed.flush();
            assertEquals("n=1", Files.readString(file));
            flushed.flush();
            assertEquals(1, snapshots.get(), "no change, no write");

            Files.delete(file);
            Files.createDirectory(file); // a folder in the way: the move fails
            flushed.changed();
            assertThrows(IOException.class, flushed::flush);
            Files.delete(file);
            flushed.flush();
            assertEquals("n=3", Files.readString(file), "the failed write is tried again without a new change");
            flushed.changed();
        }
        assertEquals("n=4", Files.readString(file), "close writes the last change");
    }

    @Test
    void withoutAFileNothingIsWritten() throws Exception {
        try (FlushedFile flushed = new FlushedFile(null, "test", "the test file", () -> {
            throw new AssertionError("no snapshot without a file");
        })) {
            flushed.changed();
            flushed.flush();
        }
    }
}
