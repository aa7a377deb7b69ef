package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySaltTest {
    @TempDir
    Path dir;

    @Test
    void saltIsCreatedOnceWithThirtyTwoRandomBytes() throws IOException {
        Path cacheDir = dir.resolve("a/b/cache");
        byte[] salt = KeySalt.loadOrCreate(cacheDir);
        assertEquals(32, salt.length);
        Path file = cacheDir.resolve(KeySalt.FILE_NAME);
        assertTrue(Files.isRegularFile(file));
        assertArrayEquals(salt, HexFormat.of().parseHex(Files.readString(file).trim()));
        assertFalse(java.util.Arrays.equals(salt, new byte[32]), "not all zeros");
    }

    @Test
    void saltIsReusedOnReopen() throws IOException {
        byte[] first = KeySalt.loadOrCreate(dir);
        String stored = Files.readString(dir.resolve(KeySalt.FILE_NAME));
        byte[] second = KeySalt.loadOrCreate(dir);
        assertArrayEquals(first, second);
        assertEquals(stored, Files.readString(dir.resolve(KeySalt.FILE_NAME)));
    }

    @Test
    void differentInstallationsGetDifferentSalts() {
        assertFalse(java.util.Arrays.equals(KeySalt.loadOrCreate(dir.resolve("one")), KeySalt.loadOrCreate(dir.resolve("two"))));
    }

    @Test
    void reopenedSaltKeepsCredentialHashesStable() {
        String before = new CacheKeyFactory(KeySalt.loadOrCreate(dir)).credentialHash("Bearer sk-1");
        String after = new CacheKeyFactory(KeySalt.loadOrCreate(dir)).credentialHash("Bearer sk-1");
        assertEquals(before, after);
    }

    @Test
    void saltFileIsOwnerReadWriteOnly() throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        KeySalt.loadOrCreate(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(KeySalt.FILE_NAME))));
    }

    @Test
    void noTemporaryFilesAreLeftBehind() throws IOException {
        KeySalt.loadOrCreate(dir);
        KeySalt.loadOrCreate(dir);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.List.of(dir.resolve(KeySalt.FILE_NAME)), files.toList());
        }
    }

    @Test
    void existingSaltFileIsUsedAsItIs() throws IOException {
        Files.writeString(dir.resolve(KeySalt.FILE_NAME), "00ff10" + "ab".repeat(13) + "\n");
        byte[] salt = KeySalt.loadOrCreate(dir);
        assertEquals(16, salt.length);
        assertArrayEquals(new byte[] {0, (byte) 0xff, 0x10}, java.util.Arrays.copyOf(salt, 3));
    }

    @Test
    void aTooShortSaltIsRefused() throws IOException {
        Files.writeString(dir.resolve(KeySalt.FILE_NAME), "00ff10\n");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> KeySalt.loadOrCreate(dir));
        assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
    }

    @Test
    void corruptSaltFileFailsNamingTheFile() throws IOException {
        Files.writeString(dir.resolve(KeySalt.FILE_NAME), "not hex at all");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> KeySalt.loadOrCreate(dir));
        assertTrue(e.getMessage().contains(KeySalt.FILE_NAME), e.getMessage());
    }
}
