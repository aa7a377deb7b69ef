package dev.modelcache.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The per-installation salt mixed into credential hashes, kept in {@code <cache dir>/key-salt} (owner-only) so that
 * keys stay the same across restarts. Losing the file only makes the existing entries unreachable.
 */
public final class KeySalt {
    static final String FILE_NAME = "key-salt";

    private KeySalt() {
    }

    public static byte[] loadOrCreate(Path cacheDir) {
        Path file = cacheDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(cacheDir);
            if (!Files.exists(file)) {
                byte[] salt = new byte[32];
                new SecureRandom().nextBytes(salt);
                Path temp = Files.createTempFile(cacheDir, FILE_NAME, ".tmp");
                try {
                    restrict(temp);
                    Files.writeString(temp, HexFormat.of().formatHex(salt), StandardOpenOption.TRUNCATE_EXISTING);
                    Files.move(temp, file);
                } catch (FileAlreadyExistsException raced) {
                    // Another process created it first: use theirs.
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            byte[] salt = HexFormat.of().parseHex(Files.readString(file).trim());
            if (salt.length < 16) {
                throw new IllegalArgumentException("the salt is " + salt.length + " bytes; at least 16 are needed (delete the file to make a new one)");
            }
            return salt;
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("cannot read or create the key salt " + file + ": " + e.getMessage(), e));
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's ACL applies.
        }
    }
}
