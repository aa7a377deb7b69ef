package dev.modelcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream whose one "event" never ends with a blank line (or an NDJSON line without its line feed) is relayed to
 * every client as it arrives, held only up to the splitter's bound, and never stored.
 */
class OversizedEventIntegrationTest {
    static final String STREAM_BODY = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final int PIECE = 1024 * 1024;

    @TempDir
    Path dir;
    FakeUpstream upstream;
    TestProxy proxy;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

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
            HttpRequest request = HttpRequest.newBuilder(proxy.uri(TestProxy.CHAT)).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<InputStream> response = proxy.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            if (expectedCache != null) {
                assertEquals(expectedCache, response.headers().firstValue("X-Cache").orElseThrow());
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
        upstream = FakeUpstream.start().handler(r -> Reply.sse(pieces));
        proxy = TestProxy.start(upstream.baseUrl(), dir);
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
        proxy.events().awaitSettled();
        int calls = upstream.calls();
        assertEquals(0, proxy.app().store().stats().writes(), "an event past the bound is never stored");

        assertArrayEquals(expected, read(STREAM_BODY.replace("hi", "hi 0"), "MISS").call(),
                "the next identical request goes to the provider");
        assertEquals(calls + 1, upstream.calls());
    }

    @Test
    void anNdjsonLineWithoutItsLineFeedPastTheBoundIsRelayedWholeAndNotStored() throws Exception {
        List<String> pieces = new ArrayList<>(List.of("{\"model\":\"llama3\",\"response\":\""));
        for (int i = 0; i < 12; i++) {
            pieces.add("z".repeat(PIECE));
        }
        upstream = FakeUpstream.start().handler(r -> Reply.ndjson(pieces));
        proxy = TestProxy.start(upstream.baseUrl(), dir);
        byte[] expected = digest(pieces);
        assertArrayEquals(expected, read("MISS").call());
        proxy.events().awaitSettled();
        assertArrayEquals(expected, read("MISS").call(), "not stored");
        assertEquals(2, upstream.calls());
    }
}
