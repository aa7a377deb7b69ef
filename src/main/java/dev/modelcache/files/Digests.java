package dev.modelcache.files;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one digest the proxy uses: for cache keys, record bodies, proxy-key hashes and request notes. One
 * place makes the {@link MessageDigest}, so the "every runtime has it" handling and the hex form are written once.
 */
public final class Digests {
    private Digests() {
    }

    /**
     * Cloned for each use: {@link MessageDigest#getInstance} looks the provider up on every call, which showed in the
     * hit path's profile (a key and a partition hash per request); a clone of a fresh digest is the same fresh digest.
     */
    private static final MessageDigest PROTOTYPE = newSha256();

    /** A fresh SHA-256 digest, to be fed in parts. */
    public static MessageDigest sha256() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The SHA-256 of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes. */
    public static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The SHA-256 of {@code bytes} as 64 lower-case hex digits, as {@code sha256sum} prints it. */
    public static String sha256Hex(byte[] bytes) {
        return hex(sha256(bytes));
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes as 64 lower-case hex digits. */
    public static String sha256Hex(String text) {
        return hex(sha256(text));
    }

    /** Lower-case hex, two digits a byte. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
