package dev.modelcache.cache;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.files.Digests;
import dev.modelcache.http.Exchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@link CacheKey}: SHA-256 over the key recipe's version, the provider, method, path, the query with
 * its parameters sorted (credential-like values blanked), the provider's vary headers, the caller's partition (a
 * salted hash of its credential, or {@value #SHARED} when the cache is shared on purpose), the namespace, the
 * position in a sequence (from the second identical request on, when sequences are on), and the
 * body: a JSON body in {@linkplain CanonicalJson canonical form} without the ignored fields (JSON pointers, by
 * default {@code /user} and {@code /metadata}), any other body as its media type and SHA-256 (a multipart body
 * without its random boundary). The salt is per installation, so the key reveals nothing about the credential, and
 * two API keys never share an entry unless the cache is shared.
 *
 * <p>The key is a function of the {@link RequestRecord} alone ({@link #create(RequestRecord)}): what the record
 * file keeps is enough to compute it again, for another partition or namespace (cassettes) or after the ignored
 * fields changed.</p>
 */
public final class CacheKeyFactory {
    /** Bumped when the key recipe changes; records of an older recipe are re-keyed from their request. */
    public static final String VERSION = "modelcache-key-3";
    /** The partition of every caller when the cache is shared ({@code cache/shared}), and of imported cassettes. */
    public static final String SHARED = "shared";

    private final byte[] salt;
    private final List<JsonPointer> ignored;
    private final boolean shared;
    private final Redaction redaction;

    /** Callers isolated by credential; {@code /user} and {@code /metadata} ignored. */
    public CacheKeyFactory(byte[] salt) {
        this(salt, List.of("/user", "/metadata"), false);
    }

    /**
     * @param ignoredFields JSON pointers of body fields left out of the key
     * @param shared        true: every caller is partition {@value #SHARED}, whatever credential it sends
     */
    public CacheKeyFactory(byte[] salt, List<String> ignoredFields, boolean shared) {
        this(salt, ignoredFields, shared, Redaction.NONE);
    }

    /** The same, a request's record (and so its key) scrubbed by {@code redaction} ({@code cache/redact}) first. */
    public CacheKeyFactory(byte[] salt, List<String> ignoredFields, boolean shared, Redaction redaction) {
        this.salt = salt.clone();
        this.ignored = ignoredFields.stream().map(JsonPointer::compile).toList();
        this.shared = shared;
        this.redaction = redaction;
    }

    /** What is scrubbed from a request's record before it is keyed, and from its answer before it is stored. */
    public Redaction redaction() {
        return redaction;
    }

    public CacheKey create(ProviderFacts provider, Exchange exchange) {
        return create(provider, exchange, "");
    }

    public CacheKey create(ProviderFacts provider, Exchange exchange, String namespace) {
        return create(RequestRecord.of(provider, exchange, this, namespace));
    }

    /** The key of the request a record describes, by the current recipe (whatever recipe the record names). */
    public CacheKey create(RequestRecord request) {
        return create(request, request.bodyType().equals(RequestRecord.JSON_BODY) ? canonicalBody(request) : null);
    }

    /**
     * The canonical JSON the key hashes for {@code request}'s JSON body (without the ignored fields): what a caller
     * that keys one request several times (a sequence's steps) computes once and hands to
     * {@link #create(RequestRecord, byte[])}.
     */
    public byte[] canonicalBody(RequestRecord request) {
        return CanonicalJson.bytes(withoutIgnored(request.body()));
    }

    /**
     * The same key, with the body's canonical JSON already spelled ({@link #canonicalBody} of this request or of one
     * that differs from it only in its place in a sequence); {@code canonical} is read only for a JSON body.
     */
    public CacheKey create(RequestRecord request, byte[] canonical) {
        MessageDigest sha = Digests.sha256();
        field(sha, VERSION);
        field(sha, request.provider());
        field(sha, request.method());
        field(sha, request.path());
        field(sha, request.query());
        for (Map.Entry<String, String> vary : new TreeMap<>(request.varyHeaders()).entrySet()) {
            field(sha, vary.getKey() + ":" + vary.getValue());
        }
        field(sha, "partition:" + request.partition());
        field(sha, "namespace:" + request.namespace());
        if (request.sequence() > 1) {
            field(sha, "sequence:" + request.sequence());
        }
        switch (request.bodyType()) {
            case RequestRecord.JSON_BODY -> {
                field(sha, "json");
                field(sha, canonical);
            }
            case RequestRecord.BYTES_BODY -> {
                field(sha, mediaType(request.body().path("mediaType").asText("")));
                field(sha, request.body().path("keySha256").asText(""));
            }
            default -> field(sha, "none");
        }
        return CacheKey.of(sha.digest());
    }

    /** True when the key of a record of this body type can be computed from the record (a bytes body needs its key hash). */
    public static boolean canKey(RequestRecord request) {
        return !request.bodyType().equals(RequestRecord.BYTES_BODY) || request.body().hasNonNull("keySha256");
    }

    /** The JSON pointers this factory leaves out of the key. */
    public List<String> ignoredFields() {
        return ignored.stream().map(JsonPointer::toString).toList();
    }

    public boolean shared() {
        return shared;
    }

    /**
     * {@code body} without the ignored fields: itself when none is present, else a copy without them in which only
     * the containers on the way to an ignored field are copied (shallowly), so a large body is never copied whole.
     */
    JsonNode withoutIgnored(JsonNode body) {
        JsonNode root = body;
        for (JsonPointer pointer : ignored) {
            if (pointer.matches() || root.at(pointer).isMissingNode()) {
                continue;
            }
            root = shallowCopy(root);
            JsonNode parent = root;
            for (JsonPointer step = pointer; !step.tail().matches(); step = step.tail()) {
                JsonNode child = shallowCopy(child(parent, step));
                if (parent instanceof ObjectNode object) {
                    object.set(step.getMatchingProperty(), child);
                } else {
                    ((ArrayNode) parent).set(step.getMatchingIndex(), child);
                }
                parent = child;
            }
            if (parent instanceof ObjectNode object) {
                object.remove(pointer.last().getMatchingProperty());
            } else if (parent instanceof ArrayNode array) {
                array.remove(pointer.last().getMatchingIndex());
            }
        }
        return root;
    }

    private static JsonNode child(JsonNode parent, JsonPointer step) {
        return parent.isObject() ? parent.get(step.getMatchingProperty()) : parent.get(step.getMatchingIndex());
    }

    private static JsonNode shallowCopy(JsonNode node) {
        if (node instanceof ObjectNode object) {
            return object.objectNode().setAll(object);
        }
        if (node instanceof ArrayNode array) {
            return array.arrayNode().addAll(array);
        }
        return node;
    }

    /**
     * The caller's partition: the first 16 hex digits of the salted hash of its proxy key's name when it presented
     * one ({@link Exchange#caller()}), else of its credential (or {@code anonymous}), which names the caller without
     * revealing the credential; {@value #SHARED} for everyone when the cache is shared.
     */
    public String partition(ProviderFacts provider, Exchange exchange) {
        if (shared) {
            return SHARED;
        }
        String hash = exchange.caller() != null ? callerHash(exchange.caller())
                : credentialHash(provider.credential(exchange));
        return hash.length() > 16 ? hash.substring(0, 16) : hash;
    }

    /**
     * Hex SHA-256 of salt and a proxy key's name: with proxy keys, a caller's entries follow its key's name (so a
     * key replaced under the same name keeps them), apart from every credential hash.
     */
    String callerHash(String caller) {
        MessageDigest sha = Digests.sha256();
        field(sha, salt);
        field(sha, "proxy-key");
        field(sha, caller);
        return CacheKey.of(sha.digest()).hex();
    }

    /** Hex SHA-256 of salt and credential; the empty credential (none sent) is its own partition. */
    String credentialHash(String credential) {
        if (credential.isEmpty()) {
            return "anonymous";
        }
        MessageDigest sha = Digests.sha256();
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
}
