package dev.modelcache.proxy;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.events.Listeners;
import dev.modelcache.flight.FleetLeases;
import dev.modelcache.flight.LeaseStore;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.replay.ReplayReport;
import dev.modelcache.replay.Sequences;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.stream.Chunk;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.MockResponses;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import dev.modelcache.upstream.UpstreamClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline as one instance of a fleet whose lease another instance holds (issue 20, item 2), the fleet's lease
 * map a single slot standing for the cluster: this instance waits while the lease lives, replays what the holder
 * stored, calls itself once the holder lets the lease go without storing, and stops waiting when the cluster goes.
 */
class FleetWaitTest {
    static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";
    static final String STORED = "{\"stored\":\"by the other instance\"}";

    /** The lease of the one key these tests ask for; {@code down}: the cluster cannot be reached. */
    static final class OneLease implements LeaseStore {
        String value;
        volatile boolean down;

        private void reach() {
            if (down) {
                throw new IllegalStateException("down");
            }
        }

        @Override
        public synchronized String get(String key) {
            reach();
            return value;
        }

        @Override
        public synchronized String putIfAbsent(String key, String mine) {
            reach();
            if (value == null) {
                value = mine;
                return null;
            }
            return value;
        }

        @Override
        public synchronized boolean replace(String key, String seen, String mine) {
            reach();
            if (seen.equals(value)) {
                value = mine;
                return true;
            }
            return false;
        }

        @Override
        public synchronized boolean remove(String key, String mine) {
            reach();
            if (mine.equals(value)) {
                value = null;
                return true;
            }
            return false;
        }
    }

    @TempDir
    Path dir;
    FakeUpstream upstream;
    UpstreamClient client;
    final OneLease lease = new OneLease();
    final AtomicReference<CachedResponse> stored = new AtomicReference<>();
    /** What the other instance has done by the time this one calls the provider. */
    final AtomicBoolean otherDone = new AtomicBoolean();
    final AtomicBoolean calledAfterOther = new AtomicBoolean();

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start().handler(r -> {
            calledAfterOther.set(otherDone.get());
            return Reply.json(200, CHAT_ANSWER);
        });
        client = new UpstreamClient(Duration.ofSeconds(2), Duration.ofSeconds(5), 10);
        lease.value = "other-instance:" + (System.currentTimeMillis() + 60_000); // alive the whole test
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        upstream.close();
    }

    /** Asks this instance once, with {@code other} done by the other instance 300 ms later; the answer's body. */
    String ask(Runnable other) throws Exception {
        ResponseStore store = mock(ResponseStore.class);
        when(store.get(any())).thenAnswer(call -> Optional.ofNullable(stored.get()));
        when(store.put(any(), any(), any())).thenReturn(true);
        Config config = Config.from(Settings.of(TestProxy.settings(upstream.baseUrl(), dir)));
        Listeners events = new Listeners();
        CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
        Misses misses = new Misses(new MissExplainer(store, keys), new ReplayReport());
        CachingProxy proxy = new CachingProxy(new StoredAnswers(ProviderTable.create(config, new TokenCounter()),
                new CachePolicy(), keys, store, new Sequences(), misses, true),
                new Forwarder(client, events, dir.resolve("tmp"), 1 << 20), events, Duration.ofSeconds(10),
                new ExchangePricing(PriceTable.builtIn()), new InFlight(), new FleetLeases(lease, "this-instance", Clock.systemUTC()));
        CompletableFuture.runAsync(() -> {
            otherDone.set(true); // first: this instance may call as soon as the other has acted
            other.run();
        }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        proxy.handle(new Exchange("POST", "/v1/chat/completions", null, Headers.of("Content-Type", "application/json"),
                ASK.getBytes(StandardCharsets.UTF_8)), MockResponses.into(body));
        return body.toString(StandardCharsets.UTF_8);
    }

    private String leaseValue() {
        synchronized (lease) {
            return lease.value;
        }
    }

    @Test
    void whatTheHolderStoredIsReplayedWithoutACall() throws Exception {
        byte[] answer = STORED.getBytes(StandardCharsets.UTF_8);
        String body = ask(() -> {
            stored.set(new CachedResponse(200, Headers.of("Content-Type", "application/json"), Body.of(answer),
                    List.of(new Chunk(answer.length, 0)), System.currentTimeMillis(), Usage.NONE, "openai",
                    "gpt-4o-mini"));
            synchronized (lease) {
                lease.value = null;
            }
        });
        assertEquals(STORED, body);
        assertEquals(0, upstream.calls(), "the holder's answer, not a second call");
    }

    @Test
    void aHolderThatLetsTheLeaseGoWithoutStoringLeavesTheCallToThisInstance() throws Exception {
        String body = ask(() -> {
            synchronized (lease) {
                lease.value = null; // its answer was an error: not stored
            }
        });
        assertEquals(CHAT_ANSWER, body);
        assertEquals(1, upstream.calls());
        assertTrue(calledAfterOther.get(), "this instance waited for the holder before calling");
        // Its answer is kept after its client has it (the store step, off the request thread): then the lease goes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (leaseValue() != null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertNull(leaseValue(), "and gave back the lease it took, once its answer was kept");
    }

    @Test
    void theClusterGoneDuringTheWaitEndsIt() throws Exception {
        String body = ask(() -> lease.down = true);
        assertEquals(CHAT_ANSWER, body);
        assertEquals(1, upstream.calls());
        assertTrue(calledAfterOther.get(), "it waited while the holder's lease lived");
        assertTrue(lease.value.startsWith("other-instance:"), "the holder's lease is not touched");
    }
}
