package dev.modelcache.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one way a small file is replaced or made: whole, owner-only, no temporary file left. That the bytes and the
 * folder are forced to disk is not observed here (no test can see an fsync without a crash); it is in the code path
 * these files share.
 */
class AtomicFileTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void writeReplacesTheWholeFileOwnerOnlyAndLeavesNoTemporaryFile() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("state");
        Files.writeString(file, "an older and much longer content");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        AtomicFile.write(file, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(file));
        assertEquals("rw-------", permissions(file));
        assertEquals(List.of("state"), names());
    }

    @Test
    void createMakesAnOwnerOnlyFileOnceAndNeverReplacesOne() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("secret");
        assertTrue(AtomicFile.create(file, "first".getBytes(StandardCharsets.UTF_8)));
        assertFalse(AtomicFile.create(file, "second".getBytes(StandardCharsets.UTF_8)), "the first one stays");
        assertEquals("first", Files.readString(file));
        assertEquals("rw-------", permissions(file));
        assertEquals(List.of("secret"), names(), "no temporary file is left, made or not");
    }
}
