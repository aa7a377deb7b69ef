package dev.modelcache.support;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream.Reply;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture itself: lazy, one proxy however many threads ask at once, restartable, closed whole, forgetful. */
@ExtendWith(ProxyExtension.class)
class ProxyExtensionTest {
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void parametersAreTheFixturesOwnUpstreamAndProxy(ProxyExtension fixture, FakeUpstream upstream, TestProxy proxy)
            throws Exception {
        assertSame(upstream, fixture.upstream());
        assertSame(proxy, fixture.proxy());
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER));
        assertEquals("MISS", xCache(fixture.post(CHAT, BODY)));
        assertEquals("HIT", xCache(proxy.post(CHAT, BODY)));
        assertEquals(1, upstream.calls());
    }

    @Test
    void settingsMadeBeforeTheFirstUseApplyAndARestartKeepsTheCacheFolder(ProxyExtension fixture) throws Exception {
        fixture.with("admin/token", "t0ken").handler(r -> Reply.json(200, CHAT_ANSWER));
        assertEquals(401, fixture.get("/_cache/stats").statusCode());
        assertEquals(200, fixture.get("/_cache/stats", "Authorization", "Bearer t0ken").statusCode());
        fixture.post(CHAT, BODY);
        fixture.proxy().events().awaitStored(1);
        TestProxy before = fixture.proxy();
        TestProxy after = fixture.restart();
        assertFalse(before == after, "a new proxy");
        assertEquals("HIT", xCache(after.post(CHAT, BODY)), "on the same cache folder");
        assertTrue(Files.isDirectory(fixture.cacheDir().resolve("records")));
    }

    /** Requests sent at once from many threads, as coalescing tests do, must all reach one proxy. */
    @Test
    void threadsThatAskAtOnceShareOneProxy(ProxyExtension fixture) throws Exception {
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<TestProxy>> asked = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                asked.add(pool.submit(() -> {
                    go.await(30, TimeUnit.SECONDS);
                    return fixture.proxy();
                }));
            }
            go.countDown();
            for (Future<TestProxy> proxy : asked) {
                assertSame(asked.get(0).get(60, TimeUnit.SECONDS), proxy.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeStopsTheProxiesAndTheUpstreamAndDeletesTheFolder() throws Exception {
        ProxyExtension own = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));
        own.post(CHAT, BODY);
        TestProxy other = own.another(own.folder().resolve("other"));
        Path folder = own.folder();
        int proxyPort = own.proxy().port();
        int otherPort = other.port();
        int upstreamPort = URI.create(own.upstream().baseUrl()).getPort();
        own.close();
        assertFalse(Files.exists(folder), "the folder is deleted");
        for (int port : new int[] {proxyPort, otherPort, upstreamPort}) {
            assertThrows(ConnectException.class, () -> connect(port), "nothing listens on " + port + " any more");
        }
    }

    @Test
    void whatATestChangesIsForgottenAfterItAndTheDefaultsStay() throws Exception {
        ProxyExtension shared = new ProxyExtension().with("admin/token", "default-token");
        shared.beforeEach(null);
        shared.with("log/access", "false", "admin/token", "test-token");
        assertEquals("test-token", shared.settingsFor(shared.cacheDir()).get("admin/token"));
        shared.afterEach(null);
        shared.beforeEach(null);
        assertEquals("default-token", shared.settingsFor(shared.cacheDir()).get("admin/token"));
        assertNull(shared.settingsFor(shared.cacheDir()).get("log/access"));
        shared.afterEach(null);
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().flush();
        }
    }
}
