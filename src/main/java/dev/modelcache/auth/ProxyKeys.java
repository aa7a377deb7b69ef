package dev.modelcache.auth;

import dev.modelcache.config.AuthConfig;
import dev.modelcache.files.Digests;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured proxy keys ({@code auth/keys}), held as SHA-256 hashes by name. A presented key is hashed and
 * compared with every configured hash by {@link MessageDigest#isEqual}, which takes the same time wherever the
 * bytes differ; all hashes are compared whichever one matches, so the time says nothing about which key, or how
 * much of one, was right. The keys themselves are never held.
 */
public final class ProxyKeys {
    private final List<String> names = new ArrayList<>();
    private final List<byte[]> hashes = new ArrayList<>();

    private ProxyKeys(Map<String, String> hexHashes) {
        hexHashes.forEach((name, hex) -> {
            names.add(name);
            hashes.add(HexFormat.of().parseHex(hex));
        });
    }

    public static ProxyKeys of(AuthConfig config) {
        return new ProxyKeys(config.keyHashes());
    }

    /** True when requests must present a proxy key. */
    public boolean required() {
        return !hashes.isEmpty();
    }

    /** The name of the proxy key {@code presented} is, or empty when it is none of them. */
    public Optional<String> nameOf(String presented) {
        byte[] hash = sha256(presented);
        String found = null;
        for (int i = 0; i < hashes.size(); i++) {
            if (MessageDigest.isEqual(hash, hashes.get(i)) && found == null) {
                found = names.get(i);
            }
        }
        return Optional.ofNullable(found);
    }

    /** The SHA-256 of a key's UTF-8 bytes: what {@code printf %s "$KEY" | sha256sum} prints, as bytes. */
    public static byte[] sha256(String key) {
        return Digests.sha256(key);
    }

    /** The hash of a key as {@code auth/keys} takes it: 64 lower-case hex digits. */
    public static String sha256Hex(String key) {
        return Digests.sha256Hex(key);
    }

    /** The names only. */
    @Override
    public String toString() {
        return "ProxyKeys" + names;
    }
}
