package dev.modelcache.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.stream.StreamMediaType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * One entry as {@code GET /_cache/entries/{id}} shows it: the request as its record keeps it (never a credential:
 * the record has none) and the response as stored. A JSON body is shown parsed, a stream as its list of events
 * (each SSE event's text, or each NDJSON line), any other body in base64 when it is small; a body larger than
 * {@value #SHOWN_BODY_BYTES} bytes is left out, with its length.
 */
final class EntryView {
    /** Largest body shown. */
    static final long SHOWN_BODY_BYTES = 4L * 1024 * 1024;
    /** Largest non-JSON, non-stream body shown, in base64. */
    static final long BASE64_BODY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EntryView() {
    }

    static ObjectNode request(RequestRecord record) {
        ObjectNode request = JSON.createObjectNode();
        request.put("provider", record.provider());
        request.put("method", record.method());
        request.put("path", record.path());
        request.put("query", record.query());
        request.set("varyHeaders", JSON.valueToTree(record.varyHeaders()));
        request.put("bodyType", record.bodyType());
        request.set("body", record.body());
        request.put("partition", record.partition());
        request.put("namespace", record.namespace());
        request.put("model", record.model());
        request.put("keyRecipe", record.keyRecipe());
        request.put("sequence", record.sequence());
        return request;
    }

    static ObjectNode response(CachedResponse stored) {
        ObjectNode response = JSON.createObjectNode();
        response.put("status", stored.status());
        ArrayNode headers = response.putArray("headers");
        for (Map.Entry<String, String> field : stored.headers().fields()) {
            headers.addArray().add(field.getKey()).add(field.getValue());
        }
        response.put("storedAt", stored.storedAtMillis());
        response.set("usage", JSON.valueToTree(stored.usage()));
        response.put("ttlSeconds", stored.ttlMillis() / 1000);
        response.put("bodyBytes", stored.bodyLength());
        if (stored.bodyLength() > SHOWN_BODY_BYTES) {
            response.put("bodyShown", "none: larger than " + SHOWN_BODY_BYTES + " bytes");
            return response;
        }
        String type = stored.headers().first("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        byte[] bytes = stored.body();
        String text = new String(bytes, StandardCharsets.UTF_8);
        StreamMediaType stream = StreamMediaType.of(type);
        if (stream != null) {
            // A stream by the one rule (StreamMediaType), as the listing's eventStream says: server-sent events end at
            // a blank line, NDJSON has one event a line. Any other body is shown whole, never cut by a guess.
            ArrayNode events = response.putArray("events");
            for (String event : text.split(stream == StreamMediaType.SSE ? "\\r?\\n\\r?\\n" : "\\r?\\n")) {
                if (!event.isBlank()) {
                    events.add(event);
                }
            }
            response.put("bodyShown", "events");
        } else if (type.contains("json") && parsed(text) != null) {
            response.set("body", parsed(text));
            response.put("bodyShown", "json");
        } else if (bytes.length <= BASE64_BODY_BYTES) {
            response.put("base64", Base64.getEncoder().encodeToString(bytes));
            response.put("bodyShown", "base64");
        } else {
            response.put("bodyShown", "none: larger than " + BASE64_BODY_BYTES + " bytes and neither JSON nor a stream");
        }
        return response;
    }

    private static JsonNode parsed(String text) {
        try {
            // One JSON value or nothing: JSON lines under another media type must not show as their first line.
            return JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(text);
        } catch (Exception e) {
            return null;
        }
    }
}
