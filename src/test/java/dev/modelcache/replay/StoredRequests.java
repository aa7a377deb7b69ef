package dev.modelcache.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.stream.Chunk;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.tokens.Usage;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Request records for the explainer's tests, built like the proxy builds them: a chat completion for OpenAI in
 * partition {@link #MINE}, changed one part at a time, and stored under the key the factory computes.
 */
final class StoredRequests {
    static final String CHAT = "/v1/chat/completions";
    static final String MINE = "0123456789abcdef";
    static final String THEIRS = "fedcba9876543210";
    static final CacheKeyFactory KEYS = new CacheKeyFactory(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final String BODY = "{\"model\":\"gpt-4o\",\"temperature\":0.7,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Name three rivers of France, with their lengths in kilometres.\"}]}";

    /** The parts of a record that are text taken as they are, each changed by {@link #with}. */
    enum Part {
        METHOD, PATH, QUERY, PARTITION, RECIPE, NAMESPACE
    }

    private final Map<Part, String> parts = new EnumMap<>(Map.of(Part.METHOD, "POST", Part.PATH, CHAT, Part.QUERY, "",
            Part.PARTITION, MINE, Part.RECIPE, CacheKeyFactory.VERSION, Part.NAMESPACE, ""));
    private final Map<String, String> vary = new HashMap<>();
    private JsonNode body = json(BODY);
    private String bodyType = RequestRecord.JSON_BODY;

    /** The chat completion {@link #BODY}. */
    static StoredRequests chat() {
        return new StoredRequests();
    }

    static JsonNode json(String text) {
        try {
            return JsonParsers.REQUEST.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** Sets the field at {@code name} of the body (a JSON value's text). */
    StoredRequests set(String name, String jsonValue) {
        body = body.deepCopy();
        ((ObjectNode) body).set(name, json(jsonValue));
        return this;
    }

    StoredRequests body(String json) {
        body = json(json);
        return this;
    }

    /** A non-JSON body, noted as {@link RequestRecord} notes one. */
    StoredRequests bytes(String mediaType, String keySha256) {
        body = json("{\"mediaType\":\"" + mediaType + "\",\"bytes\":10,\"sha256\":\"" + keySha256
                + "\",\"keySha256\":\"" + keySha256 + "\"}");
        bodyType = RequestRecord.BYTES_BODY;
        return this;
    }

    /** Sets one text part of the record (the method, the path, the partition...). */
    StoredRequests with(Part part, String value) {
        parts.put(part, value);
        return this;
    }

    StoredRequests header(String name, String value) {
        vary.put(name, value);
        return this;
    }

    RequestRecord record() {
        JsonNode model = body.path("model");
        return new RequestRecord("openai", parts.get(Part.METHOD), parts.get(Part.PATH), parts.get(Part.QUERY), vary, body,
                parts.get(Part.PARTITION), parts.get(Part.RECIPE), model.isTextual() ? model.asText() : null,
                parts.get(Part.NAMESPACE), bodyType);
    }

    /** Stores the record under its key, answered at {@code storedAt}; returns the key. */
    CacheKey storeIn(ResponseStore store, long storedAt) {
        RequestRecord record = record();
        CacheKey key = KEYS.create(record);
        store.put(key, record, answer(storedAt));
        return key;
    }

    static CachedResponse answer(long storedAt) {
        byte[] bytes = "{\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(200, Headers.of("Content-Type", "application/json"), bytes,
                List.of(new Chunk(bytes.length, 0)), storedAt, Usage.NONE, "openai", "gpt-4o");
    }
}
