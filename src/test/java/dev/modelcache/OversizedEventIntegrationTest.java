package dev.modelcache;

import static dev.modelcache.support.ProxyExtension.xCache;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream whose one "event" never ends with a blank line (or an NDJSON line without its line feed) is relayed to
 * every client as it arrives, held only up to the splitter's bound, and never stored.
 */
class OversizedEventIntegrationTest {
    static final String STREAM_BODY = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final int PIECE = 1024 * 1024;

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();

    /** One event of {@code megabytes} MiB that never ends, sent chunked a MiB at a time. */
    private static List<String> endlessEvent(int megabytes) {
        List<String> pieces = new ArrayList<>();
        pieces.add("data: {\"choices\":[{\"delta\":{\"content\":\"");
        for (int i = 0; i < megabytes; i++) {
            pieces.add(String.valueOf((char) ('a' + i % 26)).repeat(PIECE));
        }
        return pieces;
    }

    private static byte[] digest(List<String> pieces) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        pieces.forEach(p -> sha.update(p.getBytes(StandardCharsets.UTF_8)));
        return sha.digest();
    }

    private Callable<byte[]> read(String expectedCache) {
        return read(STREAM_BODY, expectedCache);
    }

    private Callable<byte[]> read(String body, String expectedCache) {
        return () -> {
            HttpRequest request = HttpRequest.newBuilder(fixture.proxy().uri(TestProxy.CHAT)).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<InputStream> response = fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            if (expectedCache != null) {
                assertEquals(expectedCache, xCache(response));
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = response.body()) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) != -1) {
                    sha.update(buffer, 0, n);
                }
            }
            return sha.digest();
        };
    }

    @Test
    void aThirtyMegabyteEventWithoutItsBlankLineReachesEveryClientWholeAndIsNotStored() throws Exception {
        List<String> pieces = endlessEvent(30);
        fixture.handler(r -> Reply.sse(pieces));
        byte[] expected = digest(pieces);

        // Four different requests (four streams relayed at once) and two more of the first (which may follow it live).
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<byte[]>> digests = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                digests.add(clients.submit(read(STREAM_BODY.replace("hi", "hi " + Math.max(0, i - 2)), null)));
            }
            for (Future<byte[]> got : digests) {
                assertArrayEquals(expected, got.get(), "every client has every byte, in order");
            }
        } finally {
            clients.shutdownNow();
        }
        fixture.proxy().events().awaitSettled();
        int calls = fixture.upstream().calls();
        assertEquals(0, fixture.proxy().app().store().stats().writes(), "an event past the bound is never stored");

        assertArrayEquals(expected, read(STREAM_BODY.replace("hi", "hi 0"), "MISS").call(),
                "the next identical request goes to the provider");
        assertEquals(calls + 1, fixture.upstream().calls());
    }

    @Test
    void anNdjsonLineWithoutItsLineFeedPastTheBoundIsRelayedWholeAndNotStored() throws Exception {
        List<String> pieces = new ArrayList<>(List.of("{\"model\":\"llama3\",\"response\":\""));
        for (int i = 0; i < 12; i++) {
            pieces.add("z".repeat(PIECE));
        }
        fixture.handler(r -> Reply.ndjson(pieces));
        byte[] expected = digest(pieces);
        assertArrayEquals(expected, read("MISS").call());
        fixture.proxy().events().awaitSettled();
        assertArrayEquals(expected, read("MISS").call(), "not stored");
        assertEquals(2, fixture.upstream().calls());
    }
}
