package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.stream.Chunk;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawClient;
import java.net.http.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Odd input over the wire, against the real servlet in embedded Tomcat: a malformed chunked body gets a 400 in the
 * provider's error shape (not a dropped connection), and request controls that are not understood are refused,
 * never ignored. Nothing of such a request reaches the provider.
 */
class OddInputIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER))
            .provider("anthropic", "anthropic", "/anthropic", "claude-*");

    private static String chunkedHead(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer sk-raw\r\nTransfer-Encoding: chunked\r\n\r\n";
    }

    /** Chunk framings Tomcat cannot parse: a size that is not hex, data longer than its size, a CRLF missing. */
    @ParameterizedTest
    @ValueSource(strings = {"zz\r\n{}\r\n0\r\n\r\n", "2\r\n{\"model\"}\r\n0\r\n\r\n", "2\r\n{}XX0\r\n\r\n",
            "2;" + "x" + "\r\n{}\r\n0\r\nbad trailer without colon\r\n\r\n"})
    void aMalformedChunkedBodyIsAnswered400InTheErrorShapeAndTheConnectionClosed(String chunks) throws Exception {
        String answer;
        try (RawClient client = new RawClient(fixture.proxy().port())) {
            answer = client.send(chunkedHead(CHAT) + chunks).readAnswer();
        }
        assertTrue(answer.startsWith("HTTP/1.1 400 "), "a 400, not a dropped connection: [" + answer + "]");
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
        assertTrue(head.contains("connection: close"), answer);
        assertTrue(head.contains("content-type: application/json"), answer);
        JsonNode error = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("error");
        assertEquals("invalid_request_error", error.path("type").asText(), answer);
        assertEquals("invalid_body", error.path("code").asText(), answer);
        assertEquals(0, fixture.upstream().calls(), "nothing was sent upstream");
    }

    @Test
    void aChunkedBodyCutShortByAClientThatStillListensIsAnswered400() throws Exception {
        String answer;
        try (RawClient client = new RawClient(fixture.proxy().port())) {
            answer = client.send(chunkedHead(CHAT) + "40\r\n{\"model\":").endOutput().readAnswer();
        }
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("\"invalid_body\""), answer);
        assertEquals(0, fixture.upstream().calls());
        assertEquals(200, fixture.get("/_cache/health").statusCode(), "the proxy goes on serving");
    }

    @Test
    void aMalformedChunkedBodyOnAnAnthropicPathIsAnsweredInAnthropicsShape() throws Exception {
        String answer;
        try (RawClient client = new RawClient(fixture.proxy().port())) {
            answer = client.send(chunkedHead("/v1/messages") + "zz\r\n{}\r\n0\r\n\r\n").readAnswer();
        }
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        JsonNode body = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertEquals("error", body.path("type").asText(), answer);
        assertEquals("invalid_request_error", body.path("error").path("type").asText(), answer);
    }

    @Test
    void aWellFormedChunkedBodyIsStillProxied() throws Exception {
        String answer;
        try (RawClient client = new RawClient(fixture.proxy().port())) {
            answer = client.send(chunkedHead(CHAT) + Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n")
                    .readAnswer();
        }
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void aControlHeaderWithAnUndocumentedValueIsRefusedAndNothingGoesUpstream() throws Exception {
        HttpResponse<String> coalesce = fixture.post(CHAT, BODY, "X-Cache-Coalesce", "of");
        assertEquals(400, coalesce.statusCode(), coalesce.body());
        JsonNode error = JSON.readTree(coalesce.body()).path("error");
        assertEquals("invalid_cache_coalesce", error.path("code").asText());
        assertEquals("The X-Cache-Coalesce header must be on or off.", error.path("message").asText());
        HttpResponse<String> replay = fixture.post(CHAT, BODY, "X-Cache-Replay", "fast");
        assertEquals(400, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("X-Cache-Replay header must be realtime"), replay.body());
        assertEquals(0, fixture.upstream().calls());
    }

    @Test
    void twoNamespaceHeadersThatDisagreeAreRefused() throws Exception {
        String answer;
        try (RawClient client = new RawClient(fixture.proxy().port())) {
            answer = client.send("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Cache-Namespace: suite-a\r\nX-Cache-Namespace: suite-b\r\nContent-Length: " + BODY.length()
                    + "\r\n\r\n" + BODY).readAnswer();
        }
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("\"invalid_cache_namespace\""), answer);
        assertTrue(answer.contains("X-Cache-Namespace header was sent more than once"), answer);
        assertEquals(0, fixture.upstream().calls());
    }
}
