package dev.modelcache.cache;

import dev.modelcache.http.Exchange;
import dev.modelcache.provider.ModelProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Builds the {@link CacheKey}: SHA-256 over the provider, method, path, the query with its parameters sorted,
 * the provider's vary headers, the body (a JSON body in {@linkplain CanonicalJson canonical form}, any other body
 * as sent, with its media type; a multipart body without its random boundary) and a salted hash of the caller's credential. The salt is per installation, so the
 * key reveals nothing about the credential, and two API keys never share an entry.
 */
public final class CacheKeyFactory {
    /** Bumped when the key recipe changes, so that old entries are simply never found again. */
    public static final String VERSION = "modelcache-key-2";

    private final byte[] salt;

    public CacheKeyFactory(byte[] salt) {
        this.salt = salt.clone();
    }

    public CacheKey create(ModelProvider provider, Exchange exchange) {
        MessageDigest sha = sha256();
        field(sha, VERSION);
        field(sha, provider.name());
        field(sha, exchange.method());
        field(sha, exchange.path());
        field(sha, sortedQuery(exchange.query()));
        for (String name : provider.varyHeaders()) {
            field(sha, name.toLowerCase(Locale.ROOT) + ":" + exchange.headers().joined(name));
        }
        field(sha, credentialHash(provider.credential(exchange.headers())));
        if (exchange.hasJsonBody()) {
            field(sha, "json");
            field(sha, CanonicalJson.bytes(exchange.json()));
        } else {
            String contentType = exchange.headers().first("Content-Type").orElse("");
            field(sha, mediaType(contentType));
            field(sha, MultipartBody.withoutBoundary(contentType, exchange.body()));
        }
        return CacheKey.of(sha.digest());
    }

    /**
     * The caller's partition for a request record: the first 16 hex digits of the salted credential hash (or
     * {@code anonymous}); it names the caller without revealing the credential.
     */
    public String partition(ModelProvider provider, Exchange exchange) {
        String hash = credentialHash(provider.credential(exchange.headers()));
        return hash.length() > 16 ? hash.substring(0, 16) : hash;
    }

    /** Hex SHA-256 of salt and credential; the empty credential (none sent) is its own partition. */
    String credentialHash(String credential) {
        if (credential.isEmpty()) {
            return "anonymous";
        }
        MessageDigest sha = sha256();
        field(sha, salt);
        field(sha, credential.getBytes(StandardCharsets.UTF_8));
        return CacheKey.of(sha.digest()).hex();
    }

    static String sortedQuery(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        String[] parameters = query.split("&");
        Arrays.sort(parameters);
        return String.join("&", parameters);
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static void field(MessageDigest sha, String value) {
        field(sha, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Length-prefixed, so that no two different field lists hash the same bytes. */
    private static void field(MessageDigest sha, byte[] value) {
        int n = value.length;
        sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        sha.update(value);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
