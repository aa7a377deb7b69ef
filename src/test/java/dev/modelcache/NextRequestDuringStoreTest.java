package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.Stored;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.Flights;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over HTTP, on one keep-alive connection: a miss's store step (held here at its {@code stored} event, the step's last
 * part) no longer keeps the client's next request waiting, since Tomcat serves a connection's next request only after
 * the servlet returns; and a stop still waits for the step.
 */
class NextRequestDuringStoreTest {
    static final String FIRST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"first\"}]}";
    static final String SECOND = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"second\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));

    @Test
    void theNextRequestOnTheConnectionIsAnsweredWhileTheLastAnswerIsStillBeingStored() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        fixture.proxy().app().events().add(new ProxyListener() {
            @Override
            public void stored(Stored entry) {
                if (first.compareAndSet(true, false)) {
                    holding.countDown();
                    Flights.hold(release);
                }
            }
        });
        try (RawClient client = new RawClient(fixture.proxy().port())) {
            String one = client.send(post(FIRST)).readAnswer();
            assertTrue(one.startsWith("HTTP/1.1 200") && one.endsWith(CHAT_ANSWER), one);
            assertTrue(holding.await(30, TimeUnit.SECONDS), "the first answer's store step is held");
            // Before: the servlet returned only after the step, and this read timed out (10 s) with nothing.
            String two = client.send(post(SECOND)).readAnswer();
            assertTrue(two.startsWith("HTTP/1.1 200") && two.endsWith(CHAT_ANSWER), two);
            assertFalse(fixture.proxy().app().drain(Duration.ofMillis(50)), "a stop waits for the held step");
        } finally {
            release.countDown();
        }
        assertTrue(fixture.proxy().app().drain(Duration.ofSeconds(30)), "and is done once it ends");
    }

    private static String post(String json) {
        return RawClient.postHead(CHAT, json.getBytes(StandardCharsets.UTF_8).length) + json;
    }
}
