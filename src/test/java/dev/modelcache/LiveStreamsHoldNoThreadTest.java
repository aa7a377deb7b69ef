package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live stream holds no request thread: a proxy with 8 request threads relays 200 streams at once, every one byte
 * for byte, and answers its health and its hits meanwhile; clients that leave mid-stream leave nothing behind (the
 * provider's answer is read to its end and stored, as the README promises). Each stream is held open by a gate
 * before its last event, so all of them are live in the proxy at the same moment: with a thread per stream, only 8
 * would ever get their head.
 */
class LiveStreamsHoldNoThreadTest {
    static final int THREADS = 8;
    static final int STREAMS = 200;

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();

    @Test
    void moreLiveStreamsThanRequestThreadsAreRelayedByteForByteWhileHealthAnswers() throws Exception {
        // The gate holds each provider silent until all heads are in: longer than the fixture's 5 s on a slow machine.
        fixture.with("server/maxThreads", String.valueOf(THREADS), "upstream/responseTimeout", "120");
        CountDownLatch gate = new CountDownLatch(1);
        int last = CHAT_EVENTS.size() - 1;
        fixture.handler(r -> r.bodyText().contains("\"stream\":true")
                ? Reply.sse(CHAT_EVENTS).pauseEach(20).gateBefore(last, gate) : Reply.json(200, "{\"ok\":true}"));
        String expected = String.join("", CHAT_EVENTS);

        List<CompletableFuture<HttpResponse<InputStream>>> heads = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            heads.add(fixture.proxy().client().sendAsync(stream(i), HttpResponse.BodyHandlers.ofInputStream()));
        }
        try {
            // Every head is out only once every stream has its first event relayed: all 200 are live at once.
            CompletableFuture.allOf(heads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            long answered = heads.stream().filter(CompletableFuture::isDone).count();
            throw new AssertionError(answered + " of " + STREAMS + " streams got their head with " + THREADS
                    + " request threads: a live stream must not hold one", e);
        }
        assertEquals(STREAMS, fixture.upstream().calls());
        HttpResponse<String> health = fixture.proxy().client().send(HttpRequest.newBuilder(
                fixture.proxy().uri("/_cache/health")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "health answers while the streams are live");

        gate.countDown();
        for (CompletableFuture<HttpResponse<InputStream>> head : heads) {
            HttpResponse<InputStream> response = head.get();
            assertEquals(200, response.statusCode());
            try (InputStream in = response.body()) {
                assertEquals(expected, new String(in.readAllBytes(), StandardCharsets.UTF_8), "byte for byte");
            }
        }
        fixture.proxy().events().awaitStored(STREAMS);
        HttpResponse<String> hit = fixture.proxy().client().send(stream(7), HttpResponse.BodyHandlers.ofString());
        assertEquals("HIT", xCache(hit));
        assertEquals(expected, hit.body());
        assertEquals(STREAMS, fixture.upstream().calls());
        awaitNothingInFlight();
    }

    /**
     * Opening many streams at once holds no thread either: while 200 providers think (a gate before their heads), a
     * proxy with 8 request threads has sent all 200 calls and answers its health; then each stream is relayed byte
     * for byte. With a thread held until the provider's first bytes, only 8 calls would ever leave.
     */
    @Test
    void streamsWhoseProvidersHaveNotAnsweredYetHoldNoThread() throws Exception {
        fixture.with("server/maxThreads", String.valueOf(THREADS), "upstream/responseTimeout", "120");
        CountDownLatch thinking = new CountDownLatch(1);
        fixture.handler(r -> r.bodyText().contains("\"stream\":true")
                ? Reply.sse(CHAT_EVENTS).gateHead(thinking) : Reply.json(200, "{\"ok\":true}"));
        String expected = String.join("", CHAT_EVENTS);

        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            answers.add(fixture.proxy().client().sendAsync(stream(i), HttpResponse.BodyHandlers.ofString()));
        }
        try {
            for (int i = 0; i < 600 && fixture.upstream().calls() < STREAMS; i++) {
                Thread.sleep(50);
            }
            assertEquals(STREAMS, fixture.upstream().calls(), "every call left while the providers think, with "
                    + THREADS + " request threads: waiting for a provider must not hold one");
            HttpResponse<String> health = fixture.proxy().client().send(HttpRequest.newBuilder(
                    fixture.proxy().uri("/_cache/health")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "health answers while the providers think");
        } finally {
            thinking.countDown();
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals(expected, response.body(), "byte for byte");
        }
        fixture.proxy().events().awaitStored(STREAMS);
        awaitNothingInFlight();
    }

    /**
     * Followers of a live stream hold no thread either: 60 identical requests join one live stream (its provider held
     * before its last event) on a proxy with 8 request threads; every one gets its head and the events so far while
     * health answers, then the whole stream, byte for byte, from one provider call. With a thread per follower, no
     * more followers than request threads would get their head until the stream ended.
     */
    @Test
    void moreFollowersThanRequestThreadsFollowALiveStream() throws Exception {
        fixture.with("server/maxThreads", String.valueOf(THREADS), "upstream/responseTimeout", "120");
        CountDownLatch gate = new CountDownLatch(1);
        int last = CHAT_EVENTS.size() - 1;
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).gateBefore(last, gate));
        String expected = String.join("", CHAT_EVENTS);
        int followers = 60;

        HttpResponse<InputStream> leader = fixture.proxy().client().send(stream(1), HttpResponse.BodyHandlers.ofInputStream());
        List<CompletableFuture<HttpResponse<InputStream>>> heads = new ArrayList<>();
        try (InputStream in = leader.body()) {
            byte[] first = in.readNBytes(CHAT_EVENTS.get(0).length());
            assertEquals(CHAT_EVENTS.get(0), new String(first, StandardCharsets.UTF_8), "the leader's stream is live");
            for (int i = 0; i < followers; i++) {
                heads.add(fixture.proxy().client().sendAsync(stream(1), HttpResponse.BodyHandlers.ofInputStream()));
            }
            try {
                CompletableFuture.allOf(heads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                HttpResponse<String> health = fixture.proxy().client().send(HttpRequest.newBuilder(
                        fixture.proxy().uri("/_cache/health")).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), "health answers while the followers follow");
            } catch (TimeoutException e) {
                long answered = heads.stream().filter(CompletableFuture::isDone).count();
                throw new AssertionError(answered + " of " + followers + " followers got their head with " + THREADS
                        + " request threads: a follower of a live stream must not hold one", e);
            } finally {
                gate.countDown();
            }
            assertEquals(expected.substring(first.length), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        for (CompletableFuture<HttpResponse<InputStream>> head : heads) {
            HttpResponse<InputStream> response = head.get();
            assertEquals(200, response.statusCode());
            assertEquals("HIT", response.headers().firstValue("X-Cache").orElse(null));
            try (InputStream in = response.body()) {
                assertEquals(expected, new String(in.readAllBytes(), StandardCharsets.UTF_8), "byte for byte");
            }
        }
        assertEquals(1, fixture.upstream().calls(), "one provider call for the leader and all its followers");
        awaitNothingInFlight();
    }

    @Test
    void clientsThatLeaveMidStreamLeaveNothingBehindAndTheAnswerIsStored() throws Exception {
        fixture.with("server/maxThreads", String.valueOf(THREADS), "upstream/responseTimeout", "120");
        CountDownLatch gate = new CountDownLatch(1);
        fixture.handler(r -> Reply.sse(CHAT_EVENTS).gateBefore(2, gate));
        int leaving = THREADS * 3;
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < leaving; i++) {
            Socket socket = new Socket("127.0.0.1", fixture.proxy().port());
            byte[] body = body(i).getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            sockets.add(socket);
        }
        for (Socket socket : sockets) {
            // The first event arrived: the stream is live; then the client goes away.
            InputStream in = socket.getInputStream();
            String seen = "";
            while (!seen.contains("chat.completion.chunk")) {
                int b = in.read();
                assertTrue(b >= 0, "the stream ended before its first event");
                seen += (char) b;
            }
            socket.close();
        }
        gate.countDown();

        // The provider's answers are read to their ends and stored: they were paid for.
        fixture.proxy().events().awaitStored(leaving);
        awaitNothingInFlight();
        assertEquals(0, fixture.cacheDir().resolve("tmp").toFile().list().length, "no capture left behind");
        HttpResponse<String> hit = fixture.proxy().client().send(stream(3), HttpResponse.BodyHandlers.ofString());
        assertEquals("HIT", xCache(hit));
        assertEquals(String.join("", CHAT_EVENTS), hit.body());
        assertEquals(leaving, fixture.upstream().calls());
    }

    private void awaitNothingInFlight() throws Exception {
        for (int i = 0; i < 200 && fixture.proxy().app().inFlight().count() > 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(0, fixture.proxy().app().inFlight().count(), "every exchange ended");
    }

    private static String body(int i) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi " + i + "\"}]}";
    }

    private HttpRequest stream(int i) throws Exception {
        return HttpRequest.newBuilder(fixture.proxy().uri(CHAT)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(i))).build();
    }
}
