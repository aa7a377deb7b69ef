package dev.modelcache;

import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.OpenAiFixtures.COMPLETION_EVENTS;
import static dev.modelcache.support.OpenAiFixtures.RESPONSES_EVENTS;

import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streams relayed as they arrive, stored whole, replayed byte for byte; identical requests in flight share one call. */
class StreamingIntegrationTest {
    static final String STREAM_BODY = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.sse(CHAT_EVENTS));

    @Test
    void theFirstEventReachesTheClientBeforeTheUpstreamSendsTheSecond() throws Exception {
        CountDownLatch secondMaySend = new CountDownLatch(1);
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).gateBefore(1, secondMaySend));
        HttpResponse<InputStream> response = fixture.proxy().client().send(streamRequest(STREAM_BODY),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            String first = readUntilBlankLine(body);
            assertEquals(CHAT_EVENTS.get(0), first, "the first event arrived while the upstream still held the second");
            assertEquals(1, secondMaySend.getCount(), "the upstream had not sent the second event yet");
            secondMaySend.countDown();
            String rest = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(String.join("", CHAT_EVENTS.subList(1, CHAT_EVENTS.size())), rest);
        }
        assertEquals("MISS", xCache(response));
    }

    @Test
    void aWaiterFollowsTheStreamLive() throws Exception {
        CountDownLatch secondMaySend = new CountDownLatch(1);
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).gateBefore(1, secondMaySend));
        HttpResponse<InputStream> leader = fixture.proxy().client().send(streamRequest(STREAM_BODY),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> follower;
        try (InputStream leaderBody = leader.body()) {
            assertEquals(CHAT_EVENTS.get(0), readUntilBlankLine(leaderBody));
            // The leader's stream is half-way: an identical request joins it instead of calling the provider.
            follower = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream followerBody = follower.body()) {
                assertEquals(CHAT_EVENTS.get(0), readUntilBlankLine(followerBody),
                        "the follower got the first event while the provider still held the second");
                assertEquals(1, secondMaySend.getCount());
                secondMaySend.countDown();
                String rest = String.join("", CHAT_EVENTS.subList(1, CHAT_EVENTS.size()));
                assertEquals(rest, new String(followerBody.readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(rest, new String(leaderBody.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals("MISS", xCache(leader));
        assertEquals("HIT", xCache(follower));
        assertEquals(1, fixture.upstream().calls());
        assertEquals(9, fixture.proxy().settledStats().savedPromptTokens(), "the follower's hit counts the tokens");
    }

    @Test
    void aFollowerOfAStreamLargerThanTheMemoryThresholdReadsTheLeadersSpilledCopy() throws Exception {
        List<String> events = new ArrayList<>();
        String padding = "x".repeat(50_000);
        for (int i = 0; i < 30; i++) {
            events.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                    + "{\"content\":\"" + i + padding + "\"}}]}\n\n");
        }
        events.add("data: [DONE]\n\n");
        String whole = String.join("", events);
        CountDownLatch restMaySend = new CountDownLatch(1);
        fixture.handler(r -> Reply.sse(events).gateBefore(25, restMaySend));
        HttpResponse<InputStream> leader = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream leaderBody = leader.body()) {
            byte[] head = leaderBody.readNBytes(events.get(0).length());
            assertEquals(events.get(0), new String(head, StandardCharsets.UTF_8));
            HttpResponse<InputStream> follower = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("HIT", xCache(follower));
            restMaySend.countDown();
            try (InputStream followerBody = follower.body()) {
                assertEquals(whole, new String(followerBody.readAllBytes(), StandardCharsets.UTF_8),
                        "the follower got every byte, read from the leader's copy past its spill");
            }
            assertEquals(whole.substring(head.length), new String(leaderBody.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(1, fixture.upstream().calls());
        awaitNoFlight();
        assertTrue(fixture.cacheDir().resolve("tmp").toFile().list().length == 0, "the spilled copy is gone once all readers left");
    }

    @Test
    void aFollowerSeesTheBreakWhenTheLeadersStreamBreaksOff() throws Exception {
        CountDownLatch secondMaySend = new CountDownLatch(1);
        fixture.handler(r -> Reply.sse(CHAT_EVENTS.subList(0, 3)).gateBefore(1, secondMaySend).resetAtEnd());
        HttpResponse<InputStream> leader = fixture.proxy().client().send(streamRequest(STREAM_BODY),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream leaderBody = leader.body()) {
            readUntilBlankLine(leaderBody);
            HttpResponse<InputStream> follower = fixture.proxy().client().send(streamRequest(STREAM_BODY),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream followerBody = follower.body()) {
                readUntilBlankLine(followerBody);
                secondMaySend.countDown();
                assertThrows(IOException.class, followerBody::readAllBytes, "the follower's stream breaks too");
            }
            assertThrows(IOException.class, leaderBody::readAllBytes);
        }
        fixture.handler(r -> Reply.sse(CHAT_EVENTS));
        assertEquals("MISS", fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString())
                .headers().firstValue("X-Cache").orElse(null), "nothing was stored");
        awaitNoFlight();
    }

    @Test
    void chatStreamIsReplayedByteForByteWithItsUsage() throws Exception {
        assertReplayIdentical(CHAT, STREAM_BODY, CHAT_EVENTS);
        var stats = fixture.proxy().settledStats();
        assertEquals(9, stats.savedPromptTokens(), "prompt tokens from the usage chunk");
        assertEquals(2, stats.savedCompletionTokens(), "completion tokens from the usage chunk");
    }

    @Test
    void responsesApiStreamKeepsItsEventLines() throws Exception {
        fixture.handler(r -> Reply.sse(RESPONSES_EVENTS));
        assertReplayIdentical("/v1/responses", "{\"model\":\"gpt-4.1\",\"stream\":true,\"input\":\"Say hi\"}", RESPONSES_EVENTS);
        assertEquals(7, fixture.proxy().settledStats().savedPromptTokens());
    }

    @Test
    void legacyCompletionStreamWithCrlfIsReplayedIdentically() throws Exception {
        fixture.handler(r -> Reply.sse(COMPLETION_EVENTS));
        assertReplayIdentical("/v1/completions", "{\"model\":\"gpt-3.5-turbo-instruct\",\"stream\":true,\"prompt\":\"Once\"}",
                COMPLETION_EVENTS);
        var stats = fixture.proxy().settledStats();
        assertEquals(2, stats.savedCompletionTokens(), "counted from the deltas 'Once' and ' upon' without a usage chunk");
    }

    @Test
    void streamAndNonStreamAreDifferentEntries() throws Exception {
        fixture.post(CHAT, STREAM_BODY);
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER));
        HttpResponse<String> plain = fixture.post(CHAT, STREAM_BODY.replace("\"stream\":true", "\"stream\":false"));
        assertEquals("MISS", xCache(plain));
        assertEquals(CHAT_ANSWER, plain.body());
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void aStreamTheUpstreamBreaksOffIsNotCached() throws Exception {
        fixture.handler(r -> Reply.sse(CHAT_EVENTS.subList(0, 3)).resetAtEnd());
        assertThrows(IOException.class, () -> fixture.proxy().client().send(streamRequest(STREAM_BODY),
                HttpResponse.BodyHandlers.ofString()), "the client sees the stream break, not a clean end");

        fixture.handler(r -> Reply.sse(CHAT_EVENTS));
        HttpResponse<String> next = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString());
        assertEquals("MISS", xCache(next));
        assertEquals(String.join("", CHAT_EVENTS), next.body());
        assertEquals(2, fixture.upstream().calls());
        assertEquals("HIT", fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString())
                .headers().firstValue("X-Cache").orElse(null));
    }

    @Test
    void anUnframedStreamIsStoredOnlyWithItsTerminalEvent() throws Exception {
        // Without chunking or a length, a cut connection looks like a clean end: only [DONE] proves completion.
        fixture.handler(r -> Reply.sse(CHAT_EVENTS.subList(0, 3)).unframed());
        assertEquals(String.join("", CHAT_EVENTS.subList(0, 3)),
                fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString()).body());
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).unframed());
        HttpResponse<String> whole = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString());
        assertEquals("MISS", xCache(whole), "the cut stream was not stored");
        HttpResponse<String> hit = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString());
        assertEquals("HIT", xCache(hit), "the stream that ended with [DONE] was");
        assertEquals(String.join("", CHAT_EVENTS), hit.body());
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void aStreamThatReportsAnErrorIsRelayedButNotCached() throws Exception {
        List<String> failing = List.of(CHAT_EVENTS.get(0),
                "event: error\ndata: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n");
        fixture.handler(r -> Reply.sse(failing));
        HttpResponse<String> first = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString());
        assertEquals(String.join("", failing), first.body());
        HttpResponse<String> second = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString());
        assertEquals("MISS", xCache(second));
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void twentyConcurrentIdenticalStreamsMakeOneUpstreamCall() throws Exception {
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).pauseEach(100));
        List<String> bodies = concurrently(20, () -> fixture.proxy().client()
                .send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(1, fixture.upstream().calls());
        for (String body : bodies) {
            assertEquals(String.join("", CHAT_EVENTS), body);
        }
        awaitNoFlight();
    }

    @Test
    void aFollowerStaysWithAStreamLongerThanTheResponseTimeout() throws Exception {
        // Each event comes within the 1 s response timeout, but the whole stream takes about 2 s: the waiter
        // follows it to the end instead of giving up and paying for its own call.
        fixture.with("upstream/responseTimeout", "1");
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).pauseEach(400));
        List<String> bodies = concurrently(2, () -> fixture.proxy().client()
                .send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(List.of(String.join("", CHAT_EVENTS), String.join("", CHAT_EVENTS)), bodies);
        assertEquals(1, fixture.upstream().calls());
        awaitNoFlight();
    }

    @Test
    void waitingIsBoundedWhenTheProviderSendsNothing() throws Exception {
        fixture.with("upstream/responseTimeout", "1");
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).delayHeaders(4000));
        long start = System.nanoTime();
        List<String> statuses = concurrently(3, () -> String.valueOf(fixture.proxy().client()
                .send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString()).statusCode()));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(List.of("504", "504", "504"), statuses, "the leader timed out and its waiters got its error");
        assertEquals(1, fixture.upstream().calls());
        assertTrue(millis < 3500, "nobody waited for the provider's 4 s, took " + millis + " ms");
        awaitNoFlight();
    }

    @Test
    void withCoalescingSwitchedOffEachConcurrentRequestCallsTheProvider() throws Exception {
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER).delayHeaders(500));
        List<String> labels = concurrently(3, () -> fixture.post(CHAT, ProxyIntegrationTest.BODY, "X-Cache-Coalesce", "off")
                .headers().firstValue("X-Cache").orElse(null));
        assertEquals(List.of("MISS", "MISS", "MISS"), labels);
        assertEquals(3, fixture.upstream().calls(), "no request waited for another");
        assertEquals("HIT", fixture.post(CHAT, ProxyIntegrationTest.BODY, "X-Cache-Coalesce", "off")
                .headers().firstValue("X-Cache").orElse(null), "the cache is still read and written");
    }

    @Test
    void twentyConcurrentIdenticalJsonRequestsMakeOneUpstreamCall() throws Exception {
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER).delayHeaders(500));
        List<String> bodies = concurrently(20, () -> fixture.post(CHAT, ProxyIntegrationTest.BODY).body());
        assertEquals(1, fixture.upstream().calls());
        for (String body : bodies) {
            assertEquals(CHAT_ANSWER, body);
        }
        var stats = fixture.proxy().settledStats();
        assertEquals(1, stats.misses());
        assertEquals(19, stats.hits(), "the other 19 were answered without a call");
    }

    @Test
    void waitersGetTheErrorWhenTheUpstreamIsDown() throws Exception {
        fixture.handler(r -> Reply.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}").delayHeaders(500));
        List<String> statuses = concurrently(5, () -> String.valueOf(fixture.post(CHAT, ProxyIntegrationTest.BODY).statusCode()));
        assertEquals(List.of("503", "503", "503", "503", "503"), statuses);
        assertEquals(1, fixture.upstream().calls(), "waiters got the leader's error instead of calling again");
        assertEquals("MISS", xCache(fixture.post(CHAT, ProxyIntegrationTest.BODY)),
                "the error was not stored");
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void aClientThatLeavesEarlyDoesNotDisturbLaterRequests() throws Exception {
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).pauseEach(150));
        try (Socket socket = new Socket("127.0.0.1", fixture.proxy().uri("/").getPort())) {
            OutputStream out = socket.getOutputStream();
            byte[] body = STREAM_BODY.getBytes(StandardCharsets.UTF_8);
            out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String seen = "";
            while (!seen.contains("chat.completion.chunk")) {
                seen += (char) in.read();
            }
        }
        // The proxy reads the rest from the provider and stores it: the answer was paid for.
        fixture.proxy().events().awaitStored(1);
        HttpResponse<String> later = fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString());
        assertEquals("HIT", xCache(later));
        assertEquals(String.join("", CHAT_EVENTS), later.body());
        assertEquals(1, fixture.upstream().calls());
        assertTrue(fixture.cacheDir().resolve("tmp").toFile().list().length == 0, "no capture left behind");
    }

    @Test
    void realtimeReplayKeepsThePacing() throws Exception {
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).pauseEach(120));
        fixture.proxy().client().send(streamRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString());
        long start = System.nanoTime();
        HttpResponse<String> paced = fixture.proxy().client().send(HttpRequest.newBuilder(fixture.proxy().uri(CHAT))
                .header("Content-Type", "application/json").header("X-Cache-Replay", "realtime")
                .POST(HttpRequest.BodyPublishers.ofString(STREAM_BODY)).build(), HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("HIT", xCache(paced));
        assertTrue(millis >= 500, "five pauses of 120 ms were kept, took " + millis + " ms");
    }

    private void assertReplayIdentical(String path, String body, List<String> events) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(fixture.proxy().uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-alice").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<byte[]> miss = fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> hit = fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofByteArray());
        byte[] upstreamBytes = String.join("", events).getBytes(StandardCharsets.UTF_8);
        assertEquals("MISS", xCache(miss));
        assertEquals("HIT", xCache(hit));
        assertArrayEquals(upstreamBytes, miss.body(), "the miss relays the upstream's bytes");
        assertArrayEquals(upstreamBytes, hit.body(), "the hit replays the same bytes");
        assertTrue(hit.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertFalse(hit.headers().firstValue("Content-Length").isPresent(), "a replayed stream is not sized up front");
        assertEquals(1, fixture.upstream().calls());
    }

    /** The leader's bookkeeping runs after its client has the answer: wait for every exchange to end. */
    private void awaitNoFlight() throws Exception {
        assertEquals(0, fixture.proxy().settledStats().inFlight(), "no flight left behind");
    }

    private HttpRequest streamRequest(String body) throws Exception {
        return HttpRequest.newBuilder(fixture.proxy().uri(CHAT)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String readUntilBlankLine(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            out.write(b);
            String text = out.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\n\n")) {
                return text;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> concurrently(int n, Callable<String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
            List<String> results = new ArrayList<>();
            for (Future<String> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
