package dev.modelcache.store.cluster;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20, item 4: a cluster unreachable at start never stops the proxy. It starts, misses go upstream, its own
 * entries hit from its record, {@code /_cache/health} says the cluster is unreachable, and the log says so once
 * however many requests come (the tier does not try the cluster per request, so none waits for its timeouts). The
 * budget's caps are then counted by the instance alone.
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

    /**
     * Issue 20, items 3 and 4: with the cluster unreachable the budget still holds, counted by this instance alone:
     * a per-key cap of 0.06 USD lets two calls of 0.03 USD go and refuses the third, the log says once that the fleet's
     * counters cannot be reached, and {@code /_cache/stats} shows the fleet's figures as unreachable.
     */
    @Test
    void aClusterUnreachableLeavesTheBudgetCountedByTheInstanceAlone() throws Exception {
        Path prices = fixture.folder().resolve("prices.json");
        Files.writeString(prices, "{\"checked\":\"2026-12-07\",\"prices\":{\"gpt-priced-test\":{\"input\":0,"
                + "\"output\":10000}}}");
        fixture.with("cache/clusterUri", "terracotta://127.0.0.1:" + closedPort() + "/modelcache",
                "cache/keySalt", "0123456789abcdef0123456789abcdef", "prices/file", prices.toString(),
                "budget/perKeyDailyUsd", "0.06");
        TestProxy proxy = fixture.proxy();
        int[] statuses = new int[3];
        for (int i = 0; i < 3; i++) {
            int stored = proxy.events().awaitStored(0).size();
            HttpResponse<String> answer = fixture.post(TestProxy.CHAT, "{\"model\":\"gpt-priced-test\",\"max_tokens\":3,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}");
            statuses[i] = answer.statusCode();
            if (answer.statusCode() == 200) {
                proxy.events().awaitStored(stored + 1);
            }
        }
        assertArrayEquals(new int[] {200, 200, 429}, statuses, "0.03 USD a call under a cap of 0.06 on this instance");
        assertEquals(2, fixture.upstream().calls());
        JsonNode stats = JSON.readTree(fixture.get("/_cache/stats").body()).path("costs");
        assertEquals("unreachable", stats.path("fleet").path("state").asText(), stats.toString());
        long said = log.records.stream().filter(r -> r.getLoggerName().equals("dev.modelcache.billing.FleetBudget")
                && r.getLevel() == Level.WARNING).count();
        assertEquals(1, said, "the log says once that the fleet's budget counters cannot be reached");
    }
}
