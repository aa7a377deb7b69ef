package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.http.Headers;
import dev.modelcache.store.ehcache.CachedResponseBytes;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachedResponseTest {
    private static final byte[] SSE = ("data: {\"a\":1}\n\n" + "data: {\"b\":2}\n\n" + "data: [DONE]\n\n")
            .getBytes(StandardCharsets.UTF_8);

    private static CachedResponse sample() {
        return new CachedResponse(200,
                Headers.of("Content-Type", "text/event-stream; charset=utf-8", "x-request-id", "req_1",
                        "openai-processing-ms", "123", "OpenAI-Multi", "one", "openai-multi", "two", "openai-unicode", "héllo"),
                SSE, List.of(new Chunk(15, 0), new Chunk(30, 120), new Chunk(SSE.length, 480)),
                1_700_000_000_123L, new Usage(11, 22, true), "groq", "llama-3.1-8b-instant");
    }

    @Test
    void roundTripKeepsEverything() throws IOException {
        CachedResponse original = sample();
        CachedResponse back = CachedResponseBytes.decode(CachedResponseBytes.encode(original));
        assertEquals(200, back.status());
        assertEquals(original.headers().fields(), back.headers().fields());
        assertArrayEquals(SSE, back.body());
        assertEquals(original.chunks(), back.chunks());
        assertEquals(1_700_000_000_123L, back.storedAtMillis());
        assertEquals(new Usage(11, 22, true), back.usage());
        assertEquals("groq", back.provider());
        assertEquals("llama-3.1-8b-instant", back.model());
        assertTrue(back.isEventStream());
    }

    @Test
    void promptCacheCountsSurviveTheRoundTripAndAreWrittenOnlyWhenNotZero() throws IOException {
        CachedResponse cached = new CachedResponse(200, Headers.of("Content-Type", "application/json"), new byte[] {'{', '}'},
                List.of(new Chunk(2, 0)), 1L, new Usage(2060, 4, false, 2048, 7), "anthropic", "claude-sonnet-4-5");
        assertEquals(new Usage(2060, 4, false, 2048, 7), CachedResponseBytes.decode(CachedResponseBytes.encode(cached)).usage());
        String plain = new String(CachedResponseBytes.encode(sample()), StandardCharsets.ISO_8859_1);
        assertFalse(plain.contains("cacheReadTokens") || plain.contains("cacheWriteTokens"),
                "entries without prompt-cache counts keep the format older versions wrote");
        assertEquals(new Usage(11, 22, true), CachedResponseBytes.decode(CachedResponseBytes.encode(sample())).usage());
    }

    @Test
    void roundTripOfAnEmptyNon200AnswerWithoutProviderOrModel() throws IOException {
        CachedResponse original = new CachedResponse(204, Headers.EMPTY, new byte[0], List.of(), 0L, Usage.NONE, null, null);
        CachedResponse back = CachedResponseBytes.decode(CachedResponseBytes.encode(original));
        assertEquals(204, back.status());
        assertEquals(List.of(), back.headers().fields());
        assertEquals(0, back.body().length);
        assertEquals(List.of(), back.chunks());
        assertEquals(Usage.NONE, back.usage());
        assertNull(back.provider());
        assertNull(back.model());
        assertFalse(back.isEventStream());
    }

    @Test
    void roundTripOfABinaryBody() throws IOException {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        CachedResponse original = new CachedResponse(200, Headers.of("Content-Type", "audio/mpeg"), body,
                List.of(new Chunk(256, 0)), 5L, new Usage(1, 0, false), "openai", "tts-1");
        assertArrayEquals(body, CachedResponseBytes.decode(CachedResponseBytes.encode(original)).body());
    }

    @Test
    void anOwnTtlSurvivesTheByteRoundTrip() throws IOException {
        CachedResponse original = sample().withTtl(Duration.ofSeconds(90));
        CachedResponse back = CachedResponseBytes.decode(CachedResponseBytes.encode(original));
        assertEquals(90_000, back.ttlMillis());
        assertEquals(original.storedAtMillis(), back.storedAtMillis());
        assertArrayEquals(SSE, back.body());
    }

    @Test
    void aValueWithoutAnOwnTtlIsWrittenAsBeforeAndAnOldValueReadsAsTtlZero() throws IOException {
        byte[] bytes = CachedResponseBytes.encode(sample());
        assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("ttl"), "no field when there is no own ttl");
        assertArrayEquals(bytes, CachedResponseBytes.encode(sample().withTtl(Duration.ZERO)));
        assertEquals(0, CachedResponseBytes.decode(bytes).ttlMillis());
        assertEquals(0, CachedResponseBytes.decode(entry("{\"status\":200,\"storedAt\":5}".getBytes(StandardCharsets.UTF_8)))
                .ttlMillis(), "a value written before the field existed");
    }

    @Test
    void aTtlInTheBytesThatIsNegativeOrNotAWholeNumberFails() {
        for (String ttl : new String[] {"-1000", "1.5", "\"soon\"", "99999999999999999999999"}) {
            byte[] meta = ("{\"status\":200,\"ttlMillis\":" + ttl + "}").getBytes(StandardCharsets.UTF_8);
            assertThrows(IOException.class, () -> CachedResponseBytes.decode(entry(meta)), ttl);
        }
    }

    @Test
    void withTtlKeepsWholeSecondsRoundingAFractionUpCuttingAHugeOneAndRefusingANegativeOne() {
        assertEquals(1_000, sample().withTtl(Duration.ofMillis(1)).ttlMillis());
        assertEquals(60_000, sample().withTtl(Duration.ofMinutes(1)).ttlMillis());
        assertEquals(0, sample().withTtl(Duration.ofSeconds(5)).withTtl(Duration.ZERO).ttlMillis());
        assertEquals(0, sample().ttlMillis(), "the existing constructors give no own ttl");
        assertThrows(IllegalArgumentException.class, () -> sample().withTtl(Duration.ofSeconds(-1)));
        assertEquals(Long.MAX_VALUE / 1000 * 1000, sample().withTtl(Duration.ofSeconds(Long.MAX_VALUE)).ttlMillis());
    }

    @Test
    void anOwnTtlWinsOverTheStoresWhetherShorterOrLonger() {
        long stored = 1_000_000;
        Duration minute = Duration.ofMinutes(1);
        assertTrue(CachedResponse.expired(stored, 1_000, minute, stored + 1_000), "shorter own ttl");
        assertFalse(CachedResponse.expired(stored, 3_600_000, minute, stored + 120_000), "longer own ttl");
        assertTrue(CachedResponse.expired(stored, 0, minute, stored + 60_000), "no own ttl: the store's");
        assertFalse(CachedResponse.expired(stored, 0, Duration.ZERO, Long.MAX_VALUE), "neither: never");
        assertEquals(minute, sample().ttl(minute));
        assertEquals(Duration.ofSeconds(5), sample().withTtl(Duration.ofSeconds(5)).ttl(minute));
    }

    @Test
    void badMagicFails() {
        byte[] bytes = CachedResponseBytes.encode(sample());
        bytes[0] ^= 0x20;
        assertThrows(IOException.class, () -> CachedResponseBytes.decode(bytes));
        assertThrows(IOException.class, () -> CachedResponseBytes.decode("{\"status\":200}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void emptyInputFails() {
        assertThrows(IOException.class, () -> CachedResponseBytes.decode(new byte[0]));
    }

    @Test
    void everyTruncationFails() {
        byte[] bytes = CachedResponseBytes.encode(sample());
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThrows(IOException.class, () -> CachedResponseBytes.decode(cut), "truncated to " + length + " bytes");
        }
    }

    @Test
    void chunkEndingPastTheBodyFails() {
        byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
        CachedResponse bad = new CachedResponse(200, Headers.EMPTY, body, List.of(new Chunk(10, 0)), 0L, Usage.NONE, "p", "m");
        IOException e = assertThrows(IOException.class, () -> CachedResponseBytes.decode(CachedResponseBytes.encode(bad)));
        assertTrue(e.getMessage().contains("chunk"), e.getMessage());
    }

    @Test
    void chunkEndsGoingBackwardsFail() {
        byte[] body = "abcdef".getBytes(StandardCharsets.UTF_8);
        CachedResponse bad = new CachedResponse(200, Headers.EMPTY, body, List.of(new Chunk(4, 0), new Chunk(2, 1)), 0L,
                Usage.NONE, "p", "m");
        assertThrows(IOException.class, () -> CachedResponseBytes.decode(CachedResponseBytes.encode(bad)));
    }

    @Test
    void hugeOrNegativeLengthFieldsFail() {
        byte[] bytes = CachedResponseBytes.encode(sample());
        List<Integer> lengthsAt = lengthFields(bytes);
        assertEquals(SSE.length, ByteBuffer.wrap(bytes).getInt(lengthsAt.get(lengthsAt.size() - 1)), "layout as expected");
        for (int at : lengthsAt) {
            for (int value : new int[] {-2, Integer.MIN_VALUE, Integer.MAX_VALUE, bytes.length + 1}) {
                byte[] copy = bytes.clone();
                ByteBuffer.wrap(copy).putInt(at, value);
                assertThrows(IOException.class, () -> CachedResponseBytes.decode(copy), "length " + value + " at " + at);
            }
        }
    }

    /** Where an "MCR2" value keeps its lengths and counts: provider, model, header count and texts, chunks, body. */
    private static List<Integer> lengthFields(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Integer> at = new java.util.ArrayList<>();
        in.position(4 + 4 + 8 + 8);
        for (int text = 0; text < 2; text++) {
            at.add(in.position());
            in.position(in.position() + 4 + Math.max(0, in.getInt(in.position())));
        }
        in.position(in.position() + 8 + 8 + 1 + 8 + 8);
        at.add(in.position());
        int fields = in.getInt();
        for (int text = 0; text < 2 * fields; text++) {
            at.add(in.position());
            in.position(in.position() + 4 + in.getInt(in.position()));
        }
        at.add(in.position());
        in.position(in.position() + 4 + 8 * in.getInt(in.position()));
        at.add(in.position());
        return at;
    }

    @Test
    void aValueInTheOlderJsonFormatStillReadsWholeWithItsHeadersFilteredAsStored() throws IOException {
        byte[] meta = ("{\"status\":201,\"headers\":[[\"Content-Type\",\"text/event-stream\"],[\"Set-Cookie\",\"a=b\"],"
                + "[\"x-request-id\",\"req_1\"]],\"storedAt\":1700000000123,\"provider\":\"groq\",\"model\":\"llama\","
                + "\"ttlMillis\":60000,\"usage\":{\"promptTokens\":11,\"completionTokens\":22,\"estimated\":true,"
                + "\"cacheReadTokens\":3}}").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x4D435231);
            out.writeInt(meta.length);
            out.write(meta);
            out.writeInt(2);
            out.writeInt(15);
            out.writeInt(0);
            out.writeInt(SSE.length);
            out.writeInt(120);
            out.writeInt(SSE.length);
            out.write(SSE);
        }
        CachedResponse old = CachedResponseBytes.decode(bytes.toByteArray());
        assertEquals(201, old.status());
        assertEquals(List.of(Map.entry("Content-Type", "text/event-stream"), Map.entry("x-request-id", "req_1")),
                old.headers().fields(), "a cookie is never replayed");
        assertArrayEquals(SSE, old.body());
        assertEquals(List.of(new Chunk(15, 0), new Chunk(SSE.length, 120)), old.chunks());
        assertEquals(1_700_000_000_123L, old.storedAtMillis());
        assertEquals(60_000, old.ttlMillis());
        assertEquals(new Usage(11, 22, true, 3, 0), old.usage());
        assertEquals("groq", old.provider());
        assertEquals("llama", old.model());
        CachedResponse again = CachedResponseBytes.decode(CachedResponseBytes.encode(old));
        assertEquals(old.headers().fields(), again.headers().fields(), "written again in the new format, read the same");
        assertEquals(old.usage(), again.usage());
        assertEquals(old.ttlMillis(), again.ttlMillis());
    }

    @Test
    void headersAStoredAnswerMayNotKeepAreLeftOutWhenItIsWritten() throws IOException {
        CachedResponse withCookie = new CachedResponse(200, Headers.of("Content-Type", "application/json",
                "Set-Cookie", "__cf_bm=abc", "Authorization", "Bearer sk-x"), new byte[] {'{', '}'}, List.of(new Chunk(2, 0)),
                1L, Usage.NONE, "openai", "gpt-4o");
        byte[] bytes = CachedResponseBytes.encode(withCookie);
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("cf_bm"));
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("sk-x"));
        assertEquals(List.of(Map.entry("Content-Type", "application/json")), CachedResponseBytes.decode(bytes).headers().fields());
    }

    @Test
    void aStatusOutsideTheRangeOfStatusLinesFails() {
        byte[] bytes = CachedResponseBytes.encode(sample());
        for (int status : new int[] {0, 99, 600, -200}) {
            byte[] copy = bytes.clone();
            ByteBuffer.wrap(copy).putInt(4, status);
            assertThrows(IOException.class, () -> CachedResponseBytes.decode(copy), "status " + status);
        }
        byte[] negativeTtl = bytes.clone();
        ByteBuffer.wrap(negativeTtl).putLong(16, -1);
        assertThrows(IOException.class, () -> CachedResponseBytes.decode(negativeTtl));
    }

    @Test
    void metadataThatIsNotJsonFails() throws IOException {
        assertThrows(IOException.class, () -> CachedResponseBytes.decode(entry("{not json".getBytes(StandardCharsets.UTF_8))));
    }

    /** A hand-made entry: magic, the given metadata, no chunks, an empty body. */
    private static byte[] entry(byte[] meta) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x4D435231);
            out.writeInt(meta.length);
            out.write(meta);
            out.writeInt(0);
            out.writeInt(0);
        }
        return bytes.toByteArray();
    }

    @Test
    void wellFormedMetadataOfTheWrongShapeFailsWithIOException() {
        assertThrows(IOException.class, () -> CachedResponseBytes.decode(entry("{\"headers\":[1]}".getBytes(StandardCharsets.UTF_8))));
        assertThrows(IOException.class, () -> CachedResponseBytes.decode(
                entry("{\"usage\":{\"promptTokens\":-1}}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void storableHeadersDropCredentialsCookiesFramingAndVolatileFields() {
        Headers upstream = Headers.of(
                "Content-Type", "application/json",
                "Set-Cookie", "__cf_bm=abc",
                "Set-Cookie2", "x=y",
                "Authorization", "Bearer sk-x",
                "x-api-key", "k",
                "OpenAI-Api-Key-Hint", "sk-...x",
                "x-client-secret", "s",
                "X-Auth-Token", "t",
                "Connection", "keep-alive",
                "Keep-Alive", "timeout=5",
                "Transfer-Encoding", "chunked",
                "Upgrade", "h2c",
                "Content-Length", "123",
                "Content-Encoding", "gzip",
                "Date", "Mon, 01 Jan 2024 00:00:00 GMT",
                "x-ratelimit-remaining-requests", "99",
                "X-RateLimit-Reset-Tokens", "6ms",
                "Retry-After", "1",
                "X-Cache", "MISS",
                "x-request-id", "req_123",
                "openai-processing-ms", "321",
                "openai-model", "gpt-4o-2024-08-06",
                "Cache-Control", "no-cache, must-revalidate");
        List<String> kept = CachedResponse.storableHeaders(upstream).fields().stream().map(Map.Entry::getKey).toList();
        assertEquals(List.of("Content-Type", "x-request-id", "openai-processing-ms", "openai-model"), kept);
    }

    @Test
    void storableHeadersKeepOrderAndValues() {
        Headers kept = CachedResponse.storableHeaders(Headers.of("openai-b", "2", "Date", "d", "request-id", "1", "openai-b", "3"));
        assertEquals(List.of(Map.entry("openai-b", "2"), Map.entry("request-id", "1"), Map.entry("openai-b", "3")), kept.fields());
    }

    @Test
    void isEventStreamFollowsContentType() {
        CachedResponse json = new CachedResponse(200, Headers.of("content-type", "application/json"), new byte[0],
                List.of(), 0L, Usage.NONE, "p", "m");
        CachedResponse sse = new CachedResponse(200, Headers.of("content-type", "Text/Event-Stream"), new byte[0],
                List.of(), 0L, Usage.NONE, "p", "m");
        assertFalse(json.isEventStream());
        assertTrue(sse.isEventStream());
    }
}
