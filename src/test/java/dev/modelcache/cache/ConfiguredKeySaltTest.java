package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfiguredKeySaltTest {
    @TempDir
    Path dir;

    @Test
    void anInstallationsSaltFileContentGivesThatInstallationsSalt() throws Exception {
        byte[] own = KeySalt.loadOrCreate(dir);
        String fileContent = Files.readString(dir.resolve(KeySalt.FILE_NAME));
        assertArrayEquals(own, KeySalt.fromSecret(fileContent));
    }

    @Test
    void anyOtherTextIsUsedAsItsBytes() {
        assertArrayEquals("a salt of enough length".getBytes(StandardCharsets.UTF_8), KeySalt.fromSecret("a salt of enough length"));
        assertArrayEquals(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"),
                KeySalt.fromSecret("00112233445566778899aabbccddeeff"));
    }

    @Test
    void aConfiguredSaltReplacesTheSaltFile() {
        assertArrayEquals("a salt of enough length".getBytes(StandardCharsets.UTF_8), KeySalt.of("a salt of enough length", dir));
        assertFalse(Files.exists(dir.resolve(KeySalt.FILE_NAME)));
        assertNotEquals(0, KeySalt.of(null, dir).length);
    }

    @Test
    void aShortSaltIsRefusedWithoutShowingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeySalt.fromSecret("s3cr3t"));
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }
}
