package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.config.ConfigException;
import dev.modelcache.metrics.AccessLog;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawHttp;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** No log line carries a query string or a base URL's user info (either may be a credential), nor, by default, a prompt. */
class LogHygieneIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();
    final LogCapture capture = new LogCapture();
    final List<LogRecord> records = capture.records;

    @BeforeEach
    void start() throws Exception {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void aMalformedQueryIsA400AndNeverLogged() throws Exception {
        RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "POST", CHAT + "?key=SECRET123&a=%zz", BODY);
        assertEquals(400, answer.status(), answer.body());
        assertEquals("invalid_query", JSON.readTree(answer.body()).at("/error/code").asText());
        assertEquals("invalid_request_error", JSON.readTree(answer.body()).at("/error/type").asText());
        assertFalse(answer.body().contains("SECRET123"), answer.body());
        fixture.stop();
        assertEquals(0, fixture.upstream().calls());
        assertNothingLogged("SECRET123", "key=", "%zz");
    }

    @Test
    void anUpstreamThatBreaksOffIsLoggedWithoutTheQuery() throws Exception {
        fixture.handler(r -> Reply.sse(CHAT_EVENTS.subList(0, 2)).resetAtEnd());
        try {
            RawHttp.send(fixture.proxy().uri("/"), "POST", CHAT + "?key=SECRET123", BODY);
        } catch (java.io.IOException brokenAnswer) {
            // The client sees the break; what matters here is the log.
        }
        fixture.stop();
        assertEquals(1, fixture.upstream().calls());
        assertTrue(records.stream().anyMatch(r -> r.getMessage().contains("broke off")), "the break is logged");
        assertNothingLogged("SECRET123", "key=");
    }

    @Test
    void noPromptTextIsLoggedByDefault() throws Exception {
        String prompt = "ZEBRA-PLUM-7731 distinctive prompt";
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER));
        assertEquals(200, fixture.post(CHAT, body).statusCode());
        assertEquals(200, fixture.post(CHAT, body).statusCode());
        assertEquals(400, fixture.post(CHAT, body.replace("\"model\"", "\"model\":1,\"x\"") + "}").statusCode());
        fixture.proxy().events().awaitExchanges(3);
        fixture.stop();
        assertTrue(records.stream().anyMatch(r -> r.getLoggerName().equals(AccessLog.LOGGER)),
                "the access log is on by default: " + records);
        assertNothingLogged("ZEBRA-PLUM-7731", " body=");
    }

    @Test
    void aBaseUrlWithUserInfoIsRefusedAtStartWithoutRepeatingIt() throws Exception {
        fixture.with("providers/openai/baseUrl", fixture.upstream().baseUrl().replace("http://", "http://user:pw@"));
        ConfigException refused = assertThrows(ConfigException.class, fixture::proxy,
                "HttpClient refuses such a target on every request: the proxy must not start with one");
        assertEquals("providers/openai/baseUrl", refused.key());
        assertFalse(refused.getMessage().contains("user:pw"), refused.getMessage());
        assertNothingLogged("user:pw");
    }

    private void assertNothingLogged(String... secrets) {
        for (LogRecord record : records) {
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    text.append(' ').append(parameter);
                }
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text.append(' ').append(t);
            }
            for (String secret : secrets) {
                assertFalse(text.toString().contains(secret), "a log record carries " + secret + ": " + text);
            }
        }
    }
}
