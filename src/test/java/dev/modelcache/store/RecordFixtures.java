package dev.modelcache.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Answers and request records for the store's tests. */
public final class RecordFixtures {
    static final String SSE = "data: {\"n\":1}\n\n" + "data: {\"n\":2}\n\n" + "data: [DONE]\n\n";

    private RecordFixtures() {
    }

    /** Every field of {@code got} as in {@code expected}: what a store must hand back of what it was given. */
    public static void assertSameAnswer(CachedResponse expected, CachedResponse got) {
        assertEquals(expected.status(), got.status());
        assertEquals(expected.headers().fields(), got.headers().fields());
        assertArrayEquals(expected.body(), got.body());
        assertEquals(expected.chunks(), got.chunks());
        assertEquals(expected.usage(), got.usage());
        assertEquals(expected.storedAtMillis(), got.storedAtMillis());
        assertEquals(expected.provider(), got.provider());
        assertEquals(expected.model(), got.model());
        assertEquals(expected.ttlMillis(), got.ttlMillis());
    }

    static CacheKey key(int i) {
        return new CacheKey(String.format("%064x", i));
    }

    static CachedResponse plain(String body, long storedAt) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(200, Headers.of("Content-Type", "application/json", "x-request-id", "r1"), bytes,
                List.of(new Chunk(bytes.length, 0)), storedAt, new Usage(3, 4, false), "openai", "gpt-4o");
    }

    static CachedResponse stream(long storedAt) {
        byte[] bytes = SSE.getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(200, Headers.of("Content-Type", "text/event-stream; charset=utf-8"), bytes,
                List.of(new Chunk(15, 5), new Chunk(30, 17), new Chunk(bytes.length, 30)), storedAt,
                new Usage(10, 2, true), "openai", "gpt-4o");
    }

    static CachedResponse sized(int bytes, long storedAt) {
        byte[] body = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return new CachedResponse(200, Headers.of("Content-Type", "application/json"), body,
                List.of(new Chunk(bytes, 0)), storedAt, Usage.NONE, "openai", "gpt-4o");
    }

    static RequestRecord request(String provider, String model, String path, String partition) {
        try {
            return new RequestRecord(provider, "POST", path, "", Map.of("openai-beta", "assistants=v2"),
                    new ObjectMapper().readTree("{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"" + model + "\"}"),
                    partition, CacheKeyFactory.VERSION, model, "", null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RequestRecord request() {
        return request("openai", "gpt-4o", "/v1/chat/completions", "0123456789abcdef");
    }
}
