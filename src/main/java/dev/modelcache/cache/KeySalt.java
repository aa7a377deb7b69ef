package dev.modelcache.cache;

import dev.modelcache.files.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The salt mixed into credential hashes. By default it is per installation, kept in {@code <cache dir>/key-salt}
 * (owner-only, written through {@link AtomicFile} so that it is on disk before any key uses it) so that keys stay the
 * same across restarts; losing the file only makes the existing entries unreachable. Instances that share entries are given the same salt ({@code cache/keySalt}, see {@link #fromSecret}).
 */
public final class KeySalt {
    static final String FILE_NAME = "key-salt";

    private KeySalt() {
    }

    /**
     * The salt configured as {@code cache/keySalt}: 32 or more hex digits are read as bytes (so the content of an
     * installation's {@code key-salt} file keeps that installation's entries reachable), any other text as its
     * UTF-8 bytes. The value is a secret and never appears in a message.
     */
    public static byte[] fromSecret(String secret) {
        String trimmed = secret.trim();
        if (trimmed.length() >= 32 && trimmed.length() % 2 == 0 && trimmed.chars().allMatch(KeySalt::isHexDigit)) {
            return HexFormat.of().parseHex(trimmed);
        }
        byte[] salt = secret.getBytes(StandardCharsets.UTF_8);
        if (salt.length < 16) {
            throw new IllegalArgumentException("cache/keySalt is shorter than 16 bytes");
        }
        return salt;
    }

    /** The configured salt if there is one, else the installation's own. */
    public static byte[] of(String configured, Path cacheDir) {
        return configured != null ? fromSecret(configured) : loadOrCreate(cacheDir);
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public static byte[] loadOrCreate(Path cacheDir) {
        Path file = cacheDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(cacheDir);
            if (!Files.exists(file)) {
                byte[] salt = new byte[32];
                new SecureRandom().nextBytes(salt);
                // Forced to disk before it is used: every partitioned key depends on it. When another process made
                // it first, theirs is used.
                AtomicFile.create(file, HexFormat.of().formatHex(salt).getBytes(StandardCharsets.US_ASCII));
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
}
