package dev.modelcache.cache;

import java.util.HexFormat;

/** The SHA-256 of everything that makes two requests the same request; {@link #toString()} is its hex form. */
public record CacheKey(String hex) {
    public CacheKey {
        if (!isHex(hex)) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
        }
    }

    /** 64 lower-case hex digits; a plain loop, since every request makes a key or two. */
    private static boolean isHex(String hex) {
        if (hex.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = hex.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    static CacheKey of(byte[] digest) {
        return new CacheKey(HexFormat.of().formatHex(digest));
    }

    /** The key's short id, its first 12 hex digits: what X-Cache-Key, cassette file names and reports show. */
    public String shortId() {
        return hex.substring(0, Math.min(12, hex.length()));
    }

    @Override
    public String toString() {
        return hex;
    }
}
