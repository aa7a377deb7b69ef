package dev.modelcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.events.Listeners;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.flight.Flight;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.proxy.CachingProxy;
import dev.modelcache.proxy.Forwarder;
import dev.modelcache.proxy.Misses;
import dev.modelcache.proxy.StoredAnswers;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.replay.ReplayReport;
import dev.modelcache.replay.Sequences;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.upstream.UpstreamClient;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refresh is visible to every request that starts after its client had the answer, even while the answer is still
 * being stored; and an answer stored late never replaces a newer one. The moment between a client's last byte and
 * the store is held open on cue: the Forwarder reports the finished call to its listener in exactly that moment.
 */
class RefreshVisibilityTest {
    static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    static final List<String> EVENTS = List.of("data: {\"id\":\"chatcmpl-%d\",\"choices\":[]}\n\n", "data: [DONE]\n\n");

    @TempDir
    Path dir;
    FakeUpstream upstream;
    UpstreamClient client;
    ResponseStore store;
    CachingProxy proxy;
    final AtomicInteger answers = new AtomicInteger();
    final Hold hold = new Hold();

    /** Holds the next call that finishes, after its client had the whole answer and before it is stored. */
    static final class Hold implements ProxyListener {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void upstreamCall(UpstreamCall call) {
            if (call.result() == UpstreamCall.Result.COMPLETE && armed.compareAndSet(true, false)) {
                reached.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start().handler(r -> {
            int n = answers.incrementAndGet();
            return r.bodyText().contains("\"stream\":true") ? Reply.sse(EVENTS.stream().map(event -> event.formatted(n)).toList())
                    : Reply.json(200, "{\"id\":\"chatcmpl-" + n + "\",\"object\":\"chat.completion\"}");
        });
        client = new UpstreamClient(Duration.ofSeconds(2), Duration.ofSeconds(5), 10);
        store = EhcacheResponseStore.durable(dir.resolve("cache"), 0, 100, 16, Duration.ZERO, 1L << 30);
        Config config = Config.from(Settings.of(TestProxy.settings(upstream.baseUrl(), dir)));
        CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
        Misses misses = new Misses(new MissExplainer(store, keys), new ReplayReport());
        proxy = new CachingProxy(new StoredAnswers(ProviderTable.create(config, new TokenCounter()), new CachePolicy(),
                keys, store, new Sequences(), misses, true),
                new Forwarder(client, hold, dir.resolve("tmp"), 1 << 20), new Listeners(), Duration.ofSeconds(10),
                new ExchangePricing(PriceTable.builtIn()), null);
    }

    @AfterEach
    void stop() throws Exception {
        hold.release.countDown();
        client.close();
        upstream.close();
        store.close();
    }

    @Test
    void aRequestAfterARefreshEndedGetsTheRefreshedAnswerWhileItIsStillBeingStored() throws Exception {
        assertRefreshIsSeen(REQUEST, "Cache-Control", "no-cache");
    }

    @Test
    void soItDoesAfterARefreshThatWouldNotWaitForIdenticalRequests() throws Exception {
        assertRefreshIsSeen(REQUEST, "Cache-Control", "no-cache", "X-Cache-Coalesce", "off");
    }

    @Test
    void soItDoesAfterAStreamedRefresh() throws Exception {
        assertRefreshIsSeen(REQUEST.replaceFirst("\\{", "{\"stream\":true,"), "Cache-Control", "no-cache");
    }

    private void assertRefreshIsSeen(String request, String... refresh) throws Exception {
        Answer first = send(request);
        assertEquals("MISS", first.label());
        assertTrue(first.body().contains("chatcmpl-1"), first.body());
        hold.armed.set(true);
        Answer refreshed = new Answer();
        CompletableFuture<Void> refreshing = CompletableFuture.runAsync(() -> send(request, refreshed, refresh));
        assertTrue(refreshed.ended.await(30, TimeUnit.SECONDS), "the refresh's client has the whole answer");
        assertTrue(hold.reached.await(30, TimeUnit.SECONDS));
        assertTrue(refreshed.body().contains("chatcmpl-2"), refreshed.body());

        // The refresh's answer is not stored yet; a request that starts now must get it all the same.
        Answer next = new Answer();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> send(request, next));
        while (!reading.isDone() && waitingOnAFlight() == 0) {
            Thread.sleep(5);
        }
        hold.release.countDown();
        reading.get(30, TimeUnit.SECONDS);
        refreshing.get(30, TimeUnit.SECONDS);
        assertTrue(next.body().contains("chatcmpl-2"), "the refreshed answer, not the one it replaced: " + next.body());
        assertEquals("HIT", next.label());
        Answer after = send(request);
        assertTrue(after.body().contains("chatcmpl-2"), after.body());
        assertEquals(2, upstream.calls());
    }

    @Test
    void anAnswerStoredLateNeverReplacesTheNewerAnswerOfARefresh() throws Exception {
        hold.armed.set(true);
        Answer older = new Answer();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> send(REQUEST, older));
        assertTrue(older.ended.await(30, TimeUnit.SECONDS), "the first client has its answer");
        assertTrue(hold.reached.await(30, TimeUnit.SECONDS), "and it is not stored yet");

        Answer refreshed = new Answer();
        CompletableFuture<Void> refresh = CompletableFuture.runAsync(() -> send(REQUEST, refreshed, "Cache-Control", "no-cache"));
        assertTrue(refreshed.ended.await(30, TimeUnit.SECONDS), "the refresh called the provider itself, not waiting"
                + " for an answer another client already had");
        refresh.get(30, TimeUnit.SECONDS);
        hold.release.countDown();
        first.get(30, TimeUnit.SECONDS);

        assertTrue(older.body().contains("chatcmpl-1"), older.body());
        assertTrue(refreshed.body().contains("chatcmpl-2"), refreshed.body());
        Answer next = send(REQUEST);
        assertEquals("HIT", next.label());
        assertTrue(next.body().contains("chatcmpl-2"), "the older answer, stored last, did not replace it: " + next.body());
    }

    /** What one client received: its X-Cache label and body, and whether the response ended. */
    static final class Answer {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final Map<String, String> headers = new ConcurrentHashMap<>();
        final CountDownLatch ended = new CountDownLatch(1);

        synchronized String body() {
            return body.toString(StandardCharsets.UTF_8);
        }

        String label() {
            return headers.get("X-Cache");
        }

        HttpServletResponse response() throws Exception {
            HttpServletResponse response = mock(HttpServletResponse.class);
            doAnswer(call -> headers.put(call.getArgument(0), call.getArgument(1))).when(response).setHeader(anyString(), anyString());
            when(response.getOutputStream()).thenReturn(new ServletOutputStream() {
                @Override
                public void write(int b) {
                    synchronized (Answer.this) {
                        body.write(b);
                    }
                }

                @Override
                public void close() {
                    ended.countDown();
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                }
            });
            return response;
        }
    }

    private Answer send(String json, String... headers) {
        Answer answer = new Answer();
        send(json, answer, headers);
        return answer;
    }

    private void send(String json, Answer answer, String... headers) {
        String[] fields = Arrays.copyOf(headers, headers.length + 2);
        fields[headers.length] = "Content-Type";
        fields[headers.length + 1] = "application/json";
        try {
            proxy.handle(new Exchange("POST", "/v1/chat/completions", null, Headers.of(fields),
                    json.getBytes(StandardCharsets.UTF_8)), answer.response());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        answer.ended.countDown();
    }

    private static long waitingOnAFlight() {
        return Thread.getAllStackTraces().values().stream()
                .filter(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(Flight.class.getName())
                        && frame.getMethodName().equals("await")))
                .count();
    }
}
