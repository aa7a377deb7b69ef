package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.Flights;
import dev.modelcache.support.ProxyExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A provider that sends 200 and then cuts the body is called once however many identical requests wait for it: they
 * share the failure (a 502, or the broken connection of a stream they were following), and nothing is stored.
 */
class CutAnswerIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int CLIENTS = 10;
    static final String STREAM_BODY = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Half of the answer, with a Content-Length for the whole of it, then the connection closes. */
    private static Reply cutJson() {
        return Reply.json(200, CHAT_ANSWER.substring(0, 40)).cutShort(CHAT_ANSWER.length() - 40);
    }

    @Test
    void tenWaitersOfACutAnswerMakeOneCallAndShareItsFailure() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        fixture.handler(r -> {
            Flights.hold(answer);
            return cutJson();
        });
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            calls.add(pool.submit(() -> outcome(() -> fixture.post(CHAT, ProxyIntegrationTest.BODY))));
        }
        Flights.awaitWaiters(CLIENTS - 1);
        answer.countDown();

        assertSharedFailure(calls);
        assertNothingStored(ProxyIntegrationTest.BODY);
    }

    @Test
    void requestsThatCameAfterTheCutAnswersHeadShareItsFailureToo() throws Exception {
        CountDownLatch rest = new CountDownLatch(1);
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER.substring(0, 20)).piece(CHAT_ANSWER.substring(20, 40), 0, rest)
                .cutShort(CHAT_ANSWER.length() - 40));
        HttpRequest request = HttpRequest.newBuilder(fixture.proxy().uri(CHAT)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ProxyIntegrationTest.BODY)).build();
        // The first request has its head (and the first bytes): its answer is on its way to it when the others come.
        HttpResponse<InputStream> first = fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, first.statusCode());
        List<Future<String>> calls = new ArrayList<>();
        calls.add(pool.submit(() -> {
            try (InputStream body = first.body()) {
                return "read " + new String(body.readAllBytes());
            } catch (IOException e) {
                return "broken";
            }
        }));
        for (int i = 1; i < CLIENTS; i++) {
            calls.add(pool.submit(() -> outcome(() -> fixture.post(CHAT, ProxyIntegrationTest.BODY))));
        }
        Flights.awaitWaiters(CLIENTS - 1);
        rest.countDown();

        assertSharedFailure(calls);
        assertNothingStored(ProxyIntegrationTest.BODY);
    }

    @Test
    void readsDuringARefreshThatIsCutKeepTheStoredAnswer() throws Exception {
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER));
        assertEquals("MISS", xCache(fixture.post(CHAT, ProxyIntegrationTest.BODY)));
        CountDownLatch rest = new CountDownLatch(1);
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER.substring(0, 20)).piece(CHAT_ANSWER.substring(20, 40), 0, rest)
                .cutShort(CHAT_ANSWER.length() - 40));
        HttpRequest refresh = HttpRequest.newBuilder(fixture.proxy().uri(CHAT)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Cache-Control", "no-cache")
                .POST(HttpRequest.BodyPublishers.ofString(ProxyIntegrationTest.BODY)).build();
        HttpResponse<InputStream> refreshing = fixture.proxy().client().send(refresh, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("REFRESH", xCache(refreshing));
        Future<HttpResponse<String>> read = pool.submit(() -> fixture.post(CHAT, ProxyIntegrationTest.BODY));
        while (!read.isDone() && Flights.waiting() < 1) {
            Thread.sleep(10);
        }
        rest.countDown();
        try (InputStream body = refreshing.body()) {
            body.readAllBytes();
            fail("the refresh's answer was cut");
        } catch (IOException expected) {
            // Broken off, as the provider broke off.
        }
        HttpResponse<String> answer = read.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), "the refresh failed, the stored answer still stands");
        assertEquals("HIT", xCache(answer));
        assertEquals(CHAT_ANSWER, answer.body());
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void tenWaitersOfACutStreamMakeOneCallAndAreBrokenOffWithIt() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        fixture.handler(r -> {
            Flights.hold(answer);
            return Reply.sse(CHAT_EVENTS.subList(0, 2)).resetAtEnd();
        });
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            calls.add(pool.submit(() -> outcome(() -> fixture.post(CHAT, STREAM_BODY))));
        }
        Flights.awaitWaiters(CLIENTS - 1);
        answer.countDown();

        for (Future<String> call : calls) {
            String outcome = call.get(30, TimeUnit.SECONDS);
            assertTrue(outcome.equals("broken") || outcome.equals("502"), "a waiter got " + outcome);
        }
        assertEquals(1, fixture.upstream().calls(), "one call for all of them");
        assertNothingStored(STREAM_BODY);
    }

    /** "broken" when the connection broke off, else the status, with the error's type and code for a 5xx. */
    private static String outcome(HttpResponse<String> response) throws IOException {
        if (response.statusCode() < 500) {
            return String.valueOf(response.statusCode());
        }
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals("upstream_error", error.path("type").asText(), response.body());
        return String.valueOf(response.statusCode());
    }

    private static String outcome(Callable<HttpResponse<String>> call) {
        try {
            return outcome(call.call());
        } catch (IOException e) {
            return "broken";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertSharedFailure(List<Future<String>> calls) throws Exception {
        int broken = 0;
        for (Future<String> call : calls) {
            String outcome;
            try {
                outcome = call.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
            if (outcome.equals("broken")) {
                broken++;
            } else if (!outcome.equals("502")) {
                fail("a waiter got " + outcome + " instead of the failure");
            }
        }
        assertEquals(1, fixture.upstream().calls(), "the provider was called once for all " + CLIENTS);
        assertEquals(1, broken, "the client whose answer was cut had its connection broken off; the others got a 502");
    }

    /** The next request still calls the provider: the cut answer was not stored. */
    private void assertNothingStored(String body) throws Exception {
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER));
        HttpResponse<String> next = fixture.post(CHAT, body);
        assertEquals("MISS", xCache(next));
        assertEquals(2, fixture.upstream().calls());
    }
}
