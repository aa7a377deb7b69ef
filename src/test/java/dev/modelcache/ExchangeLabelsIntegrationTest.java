package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.Stored;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.Flights;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dashboard, {@code /_cache/requests} and the access log say about an exchange: coalesced only when it
 * overlapped an identical call in flight, the client's own time to its last byte, and a provider's error shown as
 * one (not as a MISS that filled the cache). The store step is held open by a listener of {@code stored}, which runs
 * inside it, so that what happens during it is certain rather than a race.
 */
class ExchangeLabelsIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = ProxyIntegrationTest.BODY;

    @TempDir
    Path cacheDir;
    private FakeUpstream upstream;
    private TestProxy proxy;
    private final ExecutorService clients = Executors.newFixedThreadPool(2);
    private final CountDownLatch storing = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, CHAT_ANSWER));
        proxy = TestProxy.start(upstream.baseUrl(), cacheDir);
        proxy.app().events().add(new ProxyListener() {
            @Override
            public void stored(Stored entry) {
                storing.countDown();
                Flights.hold(release); // the store step lasts until the test lets it go
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        clients.shutdownNow();
        proxy.close();
        upstream.close();
    }

    /** The second request came after the first's client had its answer, while it was being stored: a plain hit. */
    @Test
    void aRequestAfterTheFirstHadItsAnswerIsAHitNotCoalesced() throws Exception {
        HttpResponse<String> first = proxy.post(CHAT, BODY);
        assertEquals("MISS", first.headers().firstValue("X-Cache").orElse(null));
        assertTrue(storing.await(15, TimeUnit.SECONDS), "the first answer is being stored");
        // On a connection of its own: the first's is still taken until its exchange ends, store step included.
        HttpClient other = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Future<HttpResponse<String>> second = clients.submit(() -> other.send(HttpRequest.newBuilder(proxy.uri(CHAT))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpResponse.BodyHandlers.ofString()));
        Flights.awaitWaiters(1); // it waits for the store step of the first, which it did not overlap
        release.countDown();
        assertEquals("HIT", second.get(15, TimeUnit.SECONDS).headers().firstValue("X-Cache").orElse(null));

        // The first exchange ends when its held store step does, so the two may end in either order.
        List<ExchangeSummary> ended = proxy.events().awaitExchanges(2);
        ExchangeSummary hit = ended.stream().filter(e -> e.cacheStatus() == CacheStatus.HIT).findFirst()
                .orElseThrow(() -> new AssertionError("no hit among " + ended));
        assertFalse(hit.coalesced(), "sequential, not coalesced: " + hit);
        JsonNode rows = requests();
        assertEquals(2, rows.size(), rows.toString());
        JsonNode listed = rows.get(0).path("cache").asText().equals("HIT") ? rows.get(0) : rows.get(1);
        assertEquals("HIT", listed.path("cache").asText(), rows.toString());
        assertFalse(listed.path("coalesced").asBoolean(), listed.toString());
        assertEquals(0, proxy.settledStats().coalesced());
        assertEquals(1, upstream.calls());
    }

    /** Two requests that overlapped in flight: the second waited for the provider's answer to the first. */
    @Test
    void aRequestThatWaitedForTheProvidersAnswerIsCoalesced() throws Exception {
        release.countDown(); // nothing held in the store step here
        CountDownLatch answer = new CountDownLatch(1);
        upstream.handler(r -> {
            Flights.hold(answer);
            return Reply.json(200, CHAT_ANSWER);
        });
        Future<HttpResponse<String>> first = clients.submit(() -> proxy.post(CHAT, BODY));
        Future<HttpResponse<String>> second = clients.submit(() -> proxy.post(CHAT, BODY));
        Flights.awaitWaiters(1);
        answer.countDown();
        assertEquals(200, first.get(15, TimeUnit.SECONDS).statusCode());
        assertEquals(200, second.get(15, TimeUnit.SECONDS).statusCode());
        proxy.events().awaitSettled();
        long coalesced = proxy.events().awaitExchanges(2).stream().filter(ExchangeSummary::coalesced).count();
        assertEquals(1, coalesced);
        assertEquals(1, upstream.calls());
    }

    /**
     * The total shown is the client's time to its last byte: the store step after it is left out. The step is held for
     * longer than the client's whole exchange took, so a total that included it would exceed what the client saw.
     */
    @Test
    void theTotalEndsAtTheClientsLastByteNotAfterTheStore() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> first = proxy.post(CHAT, BODY);
        long clientMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, first.statusCode());
        assertTrue(storing.await(15, TimeUnit.SECONDS));
        Thread.sleep(clientMillis + 200); // a store step longer than the client's whole exchange: no event to await
        release.countDown();

        ExchangeSummary miss = proxy.events().awaitExchanges(1).get(0);
        assertTrue(miss.totalMillis() <= clientMillis, "total " + miss.totalMillis() + " ms within the client's "
                + clientMillis + " ms");
        assertEquals(miss.totalMillis(), requests().get(0).path("totalMs").asLong());
    }

    /** A provider's 401, 429 or 5xx: X-Cache stays MISS (not from the cache), the list says ERROR (nothing stored). */
    @Test
    void aProvidersErrorIsListedAsAnErrorNotAMiss() throws Exception {
        release.countDown();
        for (int status : new int[] {401, 429, 503}) {
            upstream.handler(r -> Reply.json(status, "{\"error\":{\"message\":\"no\",\"type\":\"x\",\"code\":null}}"));
            HttpResponse<String> answer = proxy.post(CHAT, BODY);
            assertEquals(status, answer.statusCode());
            assertEquals("MISS", answer.headers().firstValue("X-Cache").orElse(null), "the header keeps its four values");
            proxy.events().awaitSettled();
            JsonNode row = requests().get(0);
            assertEquals("ERROR", row.path("cache").asText(), row.toString());
            assertEquals(status, row.path("status").asInt());
        }
        assertEquals(1, storing.getCount(), "no error answer was stored");
    }

    private JsonNode requests() throws Exception {
        HttpResponse<String> response = proxy.get("/_cache/requests");
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("requests");
    }
}
