package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that are slow to send, or stop sending, must not take the proxy from everyone else: request bodies are
 * read without holding a thread, a body that never arrives is answered 408, one cut short is dropped quietly.
 */
class SlowClientsTest {
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    static final int THREADS = 8;
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));
    final List<RawClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RawClient client : clients) {
            client.close();
        }
    }

    @Test
    void healthAndHitsAnswerWhileMoreClientsStallTheirBodiesThanThereAreThreads() throws Exception {
        fixture.with("server/maxThreads", String.valueOf(THREADS));
        HttpResponse<String> miss = send(post(BODY));
        assertEquals("MISS", xCache(miss));

        int stalled = THREADS + 4;
        String firstBytes = BODY.substring(0, 10);
        for (int i = 0; i < stalled; i++) {
            clients.add(new RawClient(fixture.proxy().port()).send(RawClient.postHead(CHAT, BODY.length()) + firstBytes));
        }
        awaitInFlight(stalled);

        // Without non-blocking body reads every thread waits on a stalled body and these wait with them.
        HttpResponse<String> health = send(HttpRequest.newBuilder(fixture.proxy().uri("/_cache/health")).timeout(Duration.ofSeconds(10)).GET().build());
        assertEquals(200, health.statusCode());
        HttpResponse<String> hit = send(post(BODY));
        assertEquals("HIT", xCache(hit));
        assertEquals(CHAT_ANSWER, hit.body());

        // A stalled client that sends the rest is answered as any other.
        String late = clients.get(0).send(BODY.substring(10)).readAnswer();
        assertTrue(late.startsWith("HTTP/1.1 200"), late);
        assertTrue(late.contains("X-Cache: HIT"), late);
        assertTrue(late.endsWith(CHAT_ANSWER), late);
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void aStopDoesNotWaitForBodiesStillArrivingOnlyForAnswers() throws Exception {
        clients.add(new RawClient(fixture.proxy().port()).send(RawClient.postHead(CHAT, BODY.length()) + BODY.substring(0, 10)));
        awaitInFlight(1);

        assertEquals(0, fixture.proxy().app().inFlight().count(), "a stalled upload is not an answer in flight");
        assertTrue(fixture.proxy().app().drain(Duration.ofSeconds(30)), "nothing to wait for");
    }

    @Test
    void aBodyThatStopsArrivingIsAnswered408InTheErrorShape() throws Exception {
        fixture.bodyTimeout(Duration.ofSeconds(1));
        RawClient client = new RawClient(fixture.proxy().port()).send(RawClient.postHead(CHAT, BODY.length()) + BODY.substring(0, 10));
        clients.add(client);

        String answer = client.readAnswer();

        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        JsonNode error = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("error");
        assertEquals("request_timeout", error.path("code").asText(), answer);
        assertEquals("invalid_request_error", error.path("type").asText());
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void anAnswerThatStreamsLongerThanTheBodyTimeoutIsNotCut() throws Exception {
        fixture.handler(r -> Reply.sse(OpenAiFixtures.CHAT_EVENTS).pauseEach(400));
        fixture.bodyTimeout(Duration.ofSeconds(1));
        String stream = BODY.replace("{", "{\"stream\":true,");

        HttpResponse<String> answer = send(post(stream));

        assertEquals(200, answer.statusCode());
        assertEquals(String.join("", OpenAiFixtures.CHAT_EVENTS), answer.body(),
                "the body timeout bounds the upload only, not the answer");
        assertEquals("HIT", xCache(send(post(stream))));
    }

    @Test
    void aBodyCutShortGetsNoStackTraceAndIsNotSentUpstream() throws Exception {
        RawClient client = new RawClient(fixture.proxy().port()).send(RawClient.postHead(CHAT, BODY.length()) + BODY.substring(0, 10)).endOutput();
        clients.add(client);

        String answer = client.readAnswer();

        assertFalse(answer.contains("Exception"), answer);
        assertFalse(answer.contains("dev.modelcache"), answer);
        assertFalse(answer.contains("Apache Tomcat"), answer);
        assertFalse(answer.startsWith("HTTP/1.1 500"), answer);
        assertEquals(0, fixture.upstream().calls());
        // The proxy is fine afterwards.
        assertEquals(200, send(HttpRequest.newBuilder(fixture.proxy().uri("/_cache/health")).timeout(Duration.ofSeconds(10)).GET().build()).statusCode());
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413WhileItArrives() throws Exception {
        fixture.with("maxBodyBytes", "1024");
        String chunk = "x".repeat(1000);
        RawClient client = new RawClient(fixture.proxy().port()).send("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
        clients.add(client);

        String answer = client.readAnswer();

        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("\"code\":\"request_too_large\""), answer);
        assertEquals(0, fixture.upstream().calls());
    }

    private HttpRequest post(String body) throws Exception {
        return HttpRequest.newBuilder(fixture.proxy().uri(CHAT)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-raw").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return fixture.proxy().client().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Lets the stalled requests reach the servlet (with the fix each one counts as a body arriving); at most 10 s. */
    private void awaitInFlight(int count) throws Exception {
        for (int i = 0; i < 100 && fixture.proxy().app().inFlight().bodies() < count; i++) {
            Thread.sleep(100);
        }
    }
}
