package dev.modelcache.proxy;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.events.Listeners;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.replay.ReplayReport;
import dev.modelcache.replay.Sequences;
import dev.modelcache.stream.Chunk;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import dev.modelcache.upstream.UpstreamClient;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline with a store that misbehaves, which a real store cannot be made to do on cue. */
class CachingProxyTest {
    @TempDir
    Path dir;
    FakeUpstream upstream;
    UpstreamClient client;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, CHAT_ANSWER));
        client = new UpstreamClient(Duration.ofSeconds(2), Duration.ofSeconds(5), 10);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        upstream.close();
    }

    @Test
    void aHitWhoseRecordFileVanishedBeforeTheReplayIsAMissNotAFailure() throws Exception {
        ResponseStore store = mock(ResponseStore.class);
        CachedResponse vanished = new CachedResponse(200, Headers.of("Content-Type", "application/json"),
                new Body.InFile(dir.resolve("records/gone.mcr"), 100, 20), List.of(new Chunk(20, 0)),
                System.currentTimeMillis(), Usage.NONE, "openai", "gpt-4o-mini");
        when(store.get(any())).thenReturn(Optional.of(vanished));
        when(store.put(any(), any(), any())).thenReturn(true);
        Config config = Config.from(Settings.of(TestProxy.settings(upstream.baseUrl(), dir)));
        Listeners events = new Listeners();
        CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
        Misses misses = new Misses(new MissExplainer(store, keys), new ReplayReport());
        CachingProxy proxy = new CachingProxy(new StoredAnswers(ProviderTable.create(config, new TokenCounter()), new CachePolicy(),
                keys, store, new Sequences(), misses, true),
                new Forwarder(client, events, dir.resolve("tmp"), 1 << 20), events, Duration.ofSeconds(5),
                new ExchangePricing(PriceTable.builtIn()), null);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpServletResponse response = response(body);

        proxy.handle(new Exchange("POST", "/v1/chat/completions", null, Headers.of("Content-Type", "application/json"),
                "{\"model\":\"gpt-4o-mini\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8)), response);

        assertEquals(CHAT_ANSWER, body.toString(StandardCharsets.UTF_8), "the provider answered instead");
        assertEquals(1, upstream.calls());
    }

    private static HttpServletResponse response(ByteArrayOutputStream body) throws Exception {
        HttpServletResponse response = mock(HttpServletResponse.class);
        when(response.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
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
