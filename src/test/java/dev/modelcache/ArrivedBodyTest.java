package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request body that came whole with its headers (what API clients send) is read on the spot, without going
 * asynchronous: the hit path then costs no extra dispatch. A body still on its way is awaited without a thread, from
 * where the quick read left it, and answered byte for byte the same.
 */
class ArrivedBodyTest {
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));

    @Test
    void aBodyThatCameWithItsHeadersIsNotAwaited() throws Exception {
        String miss;
        String hit;
        try (RawClient client = new RawClient(fixture.proxy().port())) {
            miss = client.send(RawClient.postHead(CHAT, BODY.length()) + BODY).readAnswer();
            hit = client.send(RawClient.postHead(CHAT, BODY.length()) + BODY).readAnswer();
        }
        assertTrue(miss.startsWith("HTTP/1.1 200") && miss.contains("X-Cache: MISS") && miss.endsWith(CHAT_ANSWER), miss);
        assertTrue(hit.startsWith("HTTP/1.1 200") && hit.contains("X-Cache: HIT") && hit.endsWith(CHAT_ANSWER), hit);
        assertEquals(0, fixture.proxy().app().inFlight().bodiesAwaited(), "both bodies came in one write");
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void aBodyStillOnItsWayIsAwaitedFromWhereTheQuickReadLeftIt() throws Exception {
        String hit;
        try (RawClient warm = new RawClient(fixture.proxy().port());
             RawClient slow = new RawClient(fixture.proxy().port())) {
            warm.send(RawClient.postHead(CHAT, BODY.length()) + BODY).readAnswer();
            slow.send(RawClient.postHead(CHAT, BODY.length()) + BODY.substring(0, 10));
            for (int i = 0; i < 200 && fixture.proxy().app().inFlight().bodiesAwaited() < 1; i++) {
                Thread.sleep(10); // the container's read of the first bytes, not a clock this test could await
            }
            assertEquals(1, fixture.proxy().app().inFlight().bodiesAwaited());
            hit = slow.send(BODY.substring(10)).readAnswer();
        }
        assertTrue(hit.startsWith("HTTP/1.1 200") && hit.contains("X-Cache: HIT") && hit.endsWith(CHAT_ANSWER), hit);
        assertEquals(1, fixture.upstream().calls());
    }
}
