package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.Encodings;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A provider's CDN may compress although nothing was asked for: every client still gets the plain answer. */
class CompressedUpstreamIntegrationTest {
    static final String BODY = ProxyIntegrationTest.BODY;
    static final String STREAM_BODY = StreamingIntegrationTest.STREAM_BODY;

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();

    @Test
    void aGzipAnswerIsRelayedDecodedAndEveryHitGetsTheSameDecodedBytes() throws Exception {
        assertJsonDecodedOnMissAndHit("gzip", Encodings::gzip);
        var stats = fixture.proxy().settledStats();
        assertEquals(11, stats.savedPromptTokens(), "the usage block of the decoded answer was read");
        assertEquals(3, stats.savedCompletionTokens());
    }

    @Test
    void aZlibDeflateAnswerIsDecoded() throws Exception {
        assertJsonDecodedOnMissAndHit("deflate", Encodings::zlib);
    }

    @Test
    void aRawDeflateAnswerIsDecoded() throws Exception {
        assertJsonDecodedOnMissAndHit("deflate", Encodings::rawDeflate);
    }

    @Test
    void aBrotliAnswerIsDecoded() throws Exception {
        assertJsonDecodedOnMissAndHit("br", Encodings::brotli);
    }

    @Test
    void aGzipEventStreamIsRelayedDecodedAndReplayedByteForByte() throws Exception {
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).encoded("gzip", Encodings::gzip));
        byte[] plain = String.join("", CHAT_EVENTS).getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> miss = send(STREAM_BODY);
        HttpResponse<byte[]> hit = send(STREAM_BODY);
        assertEquals("MISS", xCache(miss));
        assertArrayEquals(plain, miss.body(), "the miss relays the decoded events");
        assertEquals("HIT", xCache(hit));
        assertArrayEquals(plain, hit.body(), "the hit replays the same decoded events");
        for (HttpResponse<byte[]> response : java.util.List.of(miss, hit)) {
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            assertFalse(response.headers().firstValue("Content-Encoding").isPresent());
        }
        assertEquals(1, fixture.upstream().calls());
        assertEquals(9, fixture.proxy().settledStats().savedPromptTokens(), "usage read from the decoded events");
    }

    @Test
    void anAnswerInACodingTheProxyCannotUndoIsRelayedUntouchedAndNeverStored() throws Exception {
        byte[] opaque = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3, 4};
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER).encoded("zstd", plain -> opaque));
        HttpResponse<byte[]> first = send(BODY);
        HttpResponse<byte[]> second = send(BODY);
        for (HttpResponse<byte[]> response : java.util.List.of(first, second)) {
            assertEquals(200, response.statusCode());
            assertArrayEquals(opaque, response.body(), "the bytes as the provider sent them");
            assertEquals("zstd", response.headers().firstValue("Content-Encoding").orElse(null), "with their label");
            assertEquals("MISS", xCache(response));
        }
        assertEquals(2, fixture.upstream().calls(), "an answer in an unknown coding is never stored");
    }

    private void assertJsonDecodedOnMissAndHit(String coding, UnaryOperator<byte[]> encoder) throws Exception {
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER).encoded(coding, encoder));
        byte[] plain = CHAT_ANSWER.getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> miss = send(BODY);
        HttpResponse<byte[]> hit = send(BODY);
        assertEquals("MISS", xCache(miss));
        assertArrayEquals(plain, miss.body(), "the miss is decoded");
        assertEquals("HIT", xCache(hit));
        assertArrayEquals(plain, hit.body(), "the hit has the same decoded bytes");
        for (HttpResponse<byte[]> response : java.util.List.of(miss, hit)) {
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
            assertFalse(response.headers().firstValue("Content-Encoding").isPresent(), coding + " is not announced");
            response.headers().firstValue("Content-Length")
                    .ifPresent(length -> assertEquals(String.valueOf(plain.length), length, "the decoded length"));
        }
        assertEquals(1, fixture.upstream().calls());
    }

    private HttpResponse<byte[]> send(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(fixture.proxy().uri(CHAT)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-alice").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
