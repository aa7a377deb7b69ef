package dev.modelcache.cache;

import java.util.HexFormat;

/** The SHA-256 of everything that makes two requests the same request; {@link #toString()} is its hex form. */
public record CacheKey(String hex) {
    public CacheKey {
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
        }
    }

    static CacheKey of(byte[] digest) {
        return new CacheKey(HexFormat.of().formatHex(digest));
    }

    @Override
    /** The key's short id, its first 12 hex digits: what X-Cache-Key, cassette file names and reports show. */
    public String shortId() {
        return hex.substring(0, Math.min(12, hex.length()));
    }

    @Override
    public String toString() {
        return hex;
    }
}
