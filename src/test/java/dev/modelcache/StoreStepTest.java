package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.events.Listeners;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.proxy.CachingProxy;
import dev.modelcache.proxy.Forwarder;
import dev.modelcache.proxy.InFlight;
import dev.modelcache.proxy.Misses;
import dev.modelcache.proxy.StoredAnswers;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.replay.ReplayReport;
import dev.modelcache.replay.Sequences;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.Flights;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.AdditionalAnswers;

/**
 * A miss's store step (the record's write and fsync, the tier's put) runs after its client has the answer and off the
 * request's thread: the pipeline returns while the put is held, so Tomcat can serve the connection's next request;
 * the flight stays registered until the put is done, so identical requests meanwhile wait for it rather than pay the
 * provider again; and a stop waits for the put. The put is held on cue by a store that waits on a latch.
 */
class StoreStepTest {
    static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";

    @TempDir
    Path dir;
    FakeUpstream upstream;
    UpstreamClient client;
    ResponseStore real;
    CachingProxy proxy;
    final InFlight inFlight = new InFlight();
    final CountDownLatch putReached = new CountDownLatch(1);
    final CountDownLatch releasePut = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, CHAT_ANSWER));
        client = new UpstreamClient(Duration.ofSeconds(2), Duration.ofSeconds(5), 10);
        real = EhcacheResponseStore.durable(dir.resolve("cache"), 0, 100, 16, Duration.ZERO, 1L << 30);
        ResponseStore store = mock(ResponseStore.class, withSettings().defaultAnswer(AdditionalAnswers.delegatesTo(real)));
        doAnswer(call -> {
            putReached.countDown();
            Flights.hold(releasePut);
            return real.put(call.getArgument(0), call.getArgument(1), call.getArgument(2));
        }).when(store).put(any(), any(), any());
        Config config = Config.from(Settings.of(TestProxy.settings(upstream.baseUrl(), dir)));
        CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
        Misses misses = new Misses(new MissExplainer(store, keys), new ReplayReport());
        Listeners events = new Listeners();
        proxy = new CachingProxy(new StoredAnswers(ProviderTable.create(config, new TokenCounter()), new CachePolicy(),
                keys, store, new Sequences(), misses, true),
                new Forwarder(client, events, dir.resolve("tmp"), 1 << 20), events, Duration.ofSeconds(30),
                new ExchangePricing(PriceTable.builtIn()), inFlight, null);
    }

    @AfterEach
    void stop() throws Exception {
        releasePut.countDown();
        inFlight.awaitIdle(Duration.ofSeconds(30));
        proxy.close();
        client.close();
        upstream.close();
        real.close();
    }

    @Test
    void theClientHasItsAnswerAndThePipelineReturnsWhileThePutIsHeld() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> send(body));
        assertTrue(putReached.await(30, TimeUnit.SECONDS), "the answer went to the store");
        first.get(30, TimeUnit.SECONDS); // before: the request's thread held the put, and this timed out
        assertEquals(CHAT_ANSWER, body.toString(StandardCharsets.UTF_8));
        assertEquals(1, inFlight.count(), "the store step is still counted for a stop");
        assertFalse(inFlight.awaitIdle(Duration.ofMillis(50)), "a stop waits for the put");
        releasePut.countDown();
        assertTrue(inFlight.awaitIdle(Duration.ofSeconds(30)), "and is done once it is");
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        send(again);
        assertEquals(CHAT_ANSWER, again.toString(StandardCharsets.UTF_8));
        assertEquals(1, upstream.calls(), "the entry was stored");
    }

    @Test
    void tenIdenticalRequestsWhileThePutIsHeldWaitForItAndNeverCallTheProvider() throws Exception {
        ByteArrayOutputStream firstBody = new ByteArrayOutputStream();
        CompletableFuture.runAsync(() -> send(firstBody)).get(30, TimeUnit.SECONDS);
        assertTrue(putReached.await(30, TimeUnit.SECONDS));
        assertEquals(CHAT_ANSWER, firstBody.toString(StandardCharsets.UTF_8), "the first client has its answer");

        List<ByteArrayOutputStream> bodies = new ArrayList<>();
        List<CompletableFuture<Void>> identical = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(10);
        for (int i = 0; i < 10; i++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            bodies.add(body);
            identical.add(CompletableFuture.runAsync(() -> send(body), threads));
        }
        // All ten wait on the first one's flight, whose put is still held (bounded: if they did not, they called).
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
             Flights.waiting() < 10 && System.nanoTime() < deadline; ) {
            Thread.sleep(10);
        }
        assertEquals(1, upstream.calls(), "no second call while the first answer is being stored");
        releasePut.countDown();
        for (CompletableFuture<Void> each : identical) {
            each.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        for (ByteArrayOutputStream body : bodies) {
            assertEquals(CHAT_ANSWER, body.toString(StandardCharsets.UTF_8));
        }
        assertEquals(1, upstream.calls(), "the provider was called once");
    }

    private void send(ByteArrayOutputStream body) {
        try {
            proxy.handle(new Exchange("POST", "/v1/chat/completions", null, Headers.of("Content-Type", "application/json"),
                    REQUEST.getBytes(StandardCharsets.UTF_8)), response(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServletResponse response(ByteArrayOutputStream body) throws Exception {
        HttpServletResponse response = mock(HttpServletResponse.class);
        org.mockito.Mockito.when(response.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                synchronized (body) {
                    body.write(b);
                }
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
