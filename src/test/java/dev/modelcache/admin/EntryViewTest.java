package dev.modelcache.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.tokens.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An entry's body is shown as events exactly when the one stream rule (and so the listing's eventStream) says so. */
class EntryViewTest {
    private static ObjectNode shown(String contentType, String body) {
        CachedResponse entry = new CachedResponse(200, Headers.of("Content-Type", contentType),
                body.getBytes(StandardCharsets.UTF_8), List.of(), 1, Usage.NONE, "openai", "gpt-4o-mini");
        return EntryView.response(entry);
    }

    @Test
    void aStreamIsShownAsItsEvents() {
        ObjectNode sse = shown("text/event-stream", "data: a\n\ndata: b\n\n");
        assertEquals("events", sse.get("bodyShown").asText());
        assertEquals(2, sse.get("events").size());
        ObjectNode ndjson = shown("application/x-ndjson", "{\"a\":1}\n{\"b\":2}\n");
        assertEquals("events", ndjson.get("bodyShown").asText());
        assertEquals(2, ndjson.get("events").size());
        assertTrue(entry("application/x-ndjson").isEventStream());
    }

    @Test
    void aBodyThatIsNotAStreamByTheRuleIsShownWholeNotAsEventsNorAsItsFirstLine() {
        for (String type : List.of("application/jsonl", "application/ndjson")) {
            ObjectNode lines = shown(type, "{\"a\":1}\n{\"b\":2}\n");
            assertFalse(entry(type).isEventStream(), type);
            assertEquals("base64", lines.get("bodyShown").asText(), type + ": " + lines);
        }
        assertEquals("json", shown("application/json", "{\"a\":1}\n").get("bodyShown").asText());
    }

    private static CachedResponse entry(String contentType) {
        return new CachedResponse(200, Headers.of("Content-Type", contentType), new byte[0], List.of(), 1, Usage.NONE,
                "openai", "gpt-4o-mini");
    }
}
