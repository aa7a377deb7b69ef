package dev.modelcache.store.cluster;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20, item 4: a cluster unreachable at start never stops the proxy. It starts, misses go upstream, its own
 * entries hit from its record, {@code /_cache/health} says the cluster is unreachable, and the log says so once
 * however many requests come (the tier does not try the cluster per request, so none waits for its timeouts).
 */
class ClusterUnreachableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));
    private final LogCapture log = new LogCapture();

    @BeforeEach
    void capture() {
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(log);
    }

    /** A loopback port nothing listens on (bound, then closed, a moment ago). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aClusterUnreachableAtStartLeavesTheProxyServingFromItsRecord() throws Exception {
        int port = closedPort();
        fixture.with("cache/clusterUri", "terracotta://127.0.0.1:" + port + "/modelcache",
                "cache/keySalt", "0123456789abcdef0123456789abcdef");
        TestProxy proxy = fixture.proxy();
        String chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"no cluster\"}]}";
        assertEquals("MISS", ProxyExtension.xCache(fixture.post(TestProxy.CHAT, chat)));
        proxy.events().awaitStored(1);
        for (int i = 0; i < 5; i++) {
            assertEquals("HIT", ProxyExtension.xCache(fixture.post(TestProxy.CHAT, chat)), "its own record answers");
        }
        assertEquals(1, fixture.upstream().calls());
        JsonNode health = JSON.readTree(fixture.get("/_cache/health").body());
        assertEquals("ok", health.path("status").asText());
        assertEquals("unreachable", health.path("cluster").path("state").asText(), health.toString());
        assertEquals(0, health.path("cluster").path("answeredAtMillis").asLong());
        assertFalse(health.toString().contains(":" + port), "health, open to anyone, never shows the cluster's address");
        long warnings = log.records.stream()
                .filter(r -> r.getLoggerName().equals(ClusteredTier.class.getName()) && r.getLevel() == Level.WARNING)
                .count();
        assertEquals(1, warnings, "the log says once that the cluster is unreachable");
    }
}
