package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
    static final Redaction REDACT = new Redaction(List.of("/api_token", "/choices/0/delta/content", "/system_fingerprint",
            "X-Trace-Id", "openai-organization"));

    static JsonNode json(String text) throws Exception {
        return JsonParsers.RECORD.readTree(text);
    }

    @Test
    void aRequestValueBecomesAPlaceholderWithItsHashAndTheRequestAsSentIsLeftAlone() throws Exception {
        JsonNode sent = json("{\"model\":\"m\",\"api_token\":\"tok-1\"}");
        JsonNode stored = REDACT.request(sent);
        assertEquals("tok-1", sent.path("api_token").asText(), "the body sent upstream is not changed");
        assertTrue(stored.path("api_token").asText().matches("REDACTED sha256:[0-9a-f]{16}"), stored.toString());
        assertNotEquals(stored, REDACT.request(json("{\"model\":\"m\",\"api_token\":\"tok-2\"}")),
                "two values, two placeholders: the key still tells the requests apart");
        assertEquals(stored, REDACT.request(json("{\"api_token\":\"tok-1\",\"model\":\"m\"}")));
        JsonNode without = json("{\"model\":\"m\"}");
        assertSame(without, REDACT.request(without), "nothing to scrub: no copy");
        assertTrue(REDACT.requestHeaders(Map.of("openai-organization", "org-1")).get("openai-organization").startsWith("REDACTED sha256:"));
    }

    @Test
    void aJsonAnswerHasItsValueAndHeaderReplacedAndOneWithoutThemKeepsItsBytes() throws Exception {
        byte[] body = "{\"id\":\"c\",\"system_fingerprint\":\"fp_1\"}".getBytes(StandardCharsets.UTF_8);
        CachedResponse answer = new CachedResponse(200, Headers.of("Content-Type", "application/json", "x-trace-id", "t-1"),
                body, List.of(), 5, Usage.NONE, "openai", "m");
        CachedResponse stored = REDACT.answer(answer).orElseThrow();
        assertEquals("{\"id\":\"c\",\"system_fingerprint\":\"REDACTED\"}", new String(stored.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(Map.entry("Content-Type", "application/json"), Map.entry("x-trace-id", "REDACTED")),
                stored.headers().fields());
        assertEquals(5, stored.storedAtMillis());
        byte[] plain = "{ \"id\" : \"c\" }".getBytes(StandardCharsets.UTF_8);
        CachedResponse untouched = new CachedResponse(200, Headers.of("Content-Type", "application/json"), plain, List.of(), 5,
                Usage.NONE, "openai", "m");
        assertSame(untouched, REDACT.answer(untouched).orElseThrow());
        assertSame(answer, Redaction.NONE.answer(answer).orElseThrow());
    }

    @Test
    void aStreamIsScrubbedEventByEventAndItsChunksStillEndOnItsEvents() throws Exception {
        String first = "data: {\"choices\":[{\"delta\":{\"content\":\"secret words\"}}]}\n\n";
        String second = "data: {\"choices\":[{\"delta\":{\"content\":\"more\"}}]}\n\n";
        String done = "data: [DONE]\n\n";
        byte[] body = (first + second + done).getBytes(StandardCharsets.UTF_8);
        List<Chunk> chunks = List.of(new Chunk(first.length(), 3), new Chunk(first.length() + second.length(), 9),
                new Chunk(body.length, 12));
        CachedResponse answer = new CachedResponse(200, Headers.of("Content-Type", "text/event-stream"), body, chunks, 5,
                Usage.NONE, "openai", "m");
        CachedResponse stored = REDACT.answer(answer).orElseThrow();
        String newFirst = "data: {\"choices\":[{\"delta\":{\"content\":\"REDACTED\"}}]}\n\n";
        String newSecond = "data: {\"choices\":[{\"delta\":{\"content\":\"REDACTED\"}}]}\n\n";
        assertArrayEquals((newFirst + newSecond + done).getBytes(StandardCharsets.UTF_8), stored.body());
        assertEquals(List.of(new Chunk(newFirst.length(), 3), new Chunk(newFirst.length() + newSecond.length(), 9),
                new Chunk((int) stored.bodyLength(), 12)), stored.chunks());
        assertFalse(new String(stored.body(), StandardCharsets.UTF_8).contains("secret"));
    }

    @Test
    void aStoredRequestNamesThePlaceholdersThisRedactionWouldNotWrite() throws Exception {
        JsonNode stored = new Redaction(List.of("/api_token", "/messages/0/content")).request(
                json("{\"api_token\":\"t\",\"messages\":[{\"content\":\"c\"}]}"));
        assertEquals(List.of("/messages/0/content"), REDACT.unknownPlaceholders(stored));
        assertEquals(List.of("/api_token", "/messages/0/content"), Redaction.NONE.unknownPlaceholders(stored));
    }
}
