package dev.modelcache.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.files.Digests;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.http.Redacted;
import dev.modelcache.store.RecordFormat;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The request an entry answers, as its record file keeps it: enough to browse, export and explain the cache, and
 * never a credential (the caller appears only as its {@linkplain CacheKeyFactory#partition partition}, a salted
 * hash) and its {@code namespace}. A JSON body is kept as its tree (written in canonical form); any other body as
 * its media type, length and SHA-256 (and the SHA-256 the key hashes: a multipart body without its random
 * boundary), plus its bytes in base64 when they are small ({@value #INLINE_BODY_BYTES} bytes at most). The
 * {@link CacheKeyFactory#create(RequestRecord) key} is a function of the record alone, so an exported entry can be
 * re-keyed for another partition or namespace without the credential that recorded it.
 */
public record RequestRecord(String provider, String method, String path, String query, Map<String, String> varyHeaders,
                            JsonNode body, String partition, String keyRecipe, String model, String namespace,
                            String bodyType, int sequence) {
    /** {@link #bodyType()} of a JSON body, kept as its tree. */
    public static final String JSON_BODY = "json";
    /** {@link #bodyType()} of any other body, kept as a note: media type, length, SHA-256s, and small ones' bytes. */
    public static final String BYTES_BODY = "bytes";
    /** {@link #bodyType()} of an empty body. */
    public static final String NO_BODY = "none";
    /** Largest non-JSON request body kept in the record itself (base64). */
    public static final int INLINE_BODY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = JsonParsers.RECORD;
    private static final Pattern SECRET_PARAMETER = Redacted.SECRET_NAME;

    public RequestRecord {
        varyHeaders = Map.copyOf(varyHeaders);
        body = body == null ? NullNode.getInstance() : body;
        namespace = namespace == null ? "" : namespace;
        bodyType = bodyType != null ? bodyType : body.isNull() ? NO_BODY : JSON_BODY;
        sequence = Math.max(1, sequence);
    }

    /** The first (or only) occurrence of a request. */
    public RequestRecord(String provider, String method, String path, String query, Map<String, String> varyHeaders,
                         JsonNode body, String partition, String keyRecipe, String model, String namespace,
                         String bodyType) {
        this(provider, method, path, query, varyHeaders, body, partition, keyRecipe, model, namespace, bodyType, 1);
    }

    /**
     * The {@code n}th identical request of a sequence (1 is the first, whose key is the request's plain key): with
     * sequences on, the Nth identical request in a namespace is answered by the Nth recorded answer.
     */
    public RequestRecord inSequence(int n) {
        return new RequestRecord(provider, method, path, query, varyHeaders, body, partition, keyRecipe, model,
                namespace, bodyType, n);
    }

    /** The same request under another partition and namespace (a cassette's entry imported, or exported). */
    public RequestRecord withPartition(String newPartition, String newNamespace) {
        return new RequestRecord(provider, method, path, query, varyHeaders, body, newPartition, keyRecipe, model,
                newNamespace, bodyType, sequence);
    }

    /** The same request as the current key recipe computes it. */
    public RequestRecord withCurrentRecipe() {
        return new RequestRecord(provider, method, path, query, varyHeaders, body, partition, CacheKeyFactory.VERSION,
                model, namespace, bodyType, sequence);
    }

    /** The record of {@code exchange} in no namespace, with the partition and key recipe of {@code keys}. */
    public static RequestRecord of(ProviderFacts provider, Exchange exchange, CacheKeyFactory keys) {
        return of(provider, exchange, keys, "");
    }

    /** The record of {@code exchange} in {@code namespace}, with the partition and key recipe of {@code keys}. */
    public static RequestRecord of(ProviderFacts provider, Exchange exchange, CacheKeyFactory keys, String namespace) {
        Map<String, String> vary = new TreeMap<>();
        for (String name : provider.varyHeaders()) {
            String value = exchange.headers().joined(name);
            if (!value.isEmpty()) {
                vary.put(name.toLowerCase(Locale.ROOT), value);
            }
        }
        return new RequestRecord(provider.name(), exchange.method(), exchange.path(),
                withoutSecrets(CacheKeyFactory.sortedQuery(exchange.query())), keys.redaction().requestHeaders(vary),
                exchange.hasJsonBody() ? keys.redaction().request(body(exchange)) : body(exchange),
                keys.partition(provider, exchange), CacheKeyFactory.VERSION, provider.model(exchange), namespace,
                exchange.body().length == 0 ? NO_BODY : exchange.hasJsonBody() ? JSON_BODY : BYTES_BODY);
    }

    /** The query with the values of parameters that look like credentials (Gemini's {@code key=}) blanked. */
    static String withoutSecrets(String query) {
        List<String> kept = new ArrayList<>();
        for (String parameter : query.split("&")) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            kept.add(equals >= 0 && SECRET_PARAMETER.matcher(name).matches() ? name + "=REDACTED" : parameter);
        }
        return query.isEmpty() ? "" : String.join("&", kept);
    }

    private static JsonNode body(Exchange exchange) {
        byte[] bytes = exchange.body();
        if (bytes.length == 0) {
            return NullNode.getInstance();
        }
        if (exchange.hasJsonBody()) {
            return exchange.json(); // written in canonical form by RecordFormat, hashed so by CacheKeyFactory
        }
        String contentType = exchange.headers().first("Content-Type").orElse("");
        ObjectNode note = JSON.createObjectNode();
        note.put("mediaType", contentType);
        note.put("bytes", bytes.length);
        note.put("sha256", Digests.sha256Hex(bytes));
        note.put("keySha256", Digests.sha256Hex(MultipartBody.withoutBoundary(contentType, bytes)));
        if (bytes.length <= INLINE_BODY_BYTES) {
            note.put("base64", Base64.getEncoder().encodeToString(bytes));
        }
        return note;
    }
}
