package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.metrics.AccessLog;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One access log line per proxied exchange, with no credential and no prompt text unless {@code log/bodies} asks for
 * the request body; {@code log/access=false} silences it.
 */
class AccessLogIntegrationTest {
    static final String SECRET = "sk-ACCESSLOGSECRET9";
    static final String PROMPT = "Tell me the secret plan";
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));
    /** Held here: java.util.logging keeps its loggers only weakly. */
    final Logger access = Logger.getLogger(AccessLog.LOGGER);
    final LogCapture capture = new LogCapture();
    final List<LogRecord> records = capture.records;

    @BeforeEach
    void start() throws Exception {
        access.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        access.removeHandler(capture);
    }

    @Test
    void eachExchangeIsOneInfoLineWithRouteStatusLatencyTokensAndAShortKeyId() throws Exception {
        List<ExchangeSummary> exchanges;
        fixture.post(CHAT + "?key=" + SECRET, BODY, "Authorization", "Bearer " + SECRET);
        fixture.post(CHAT + "?key=" + SECRET, BODY, "Authorization", "Bearer " + SECRET);
        exchanges = fixture.proxy().events().awaitExchanges(2);
        fixture.stop();
        assertEquals(2, records.size(), records.toString());
        String miss = records.get(0).getMessage();
        String hit = records.get(1).getMessage();
        assertEquals(Level.INFO, records.get(0).getLevel());
        String key = exchanges.get(0).keyId().substring(0, 12);
        assertTrue(miss.matches("POST /v1/chat/completions provider=openai model=gpt-4o-mini namespace=- cache=MISS "
                + "status=200 upstream_ms=\\d+ total_ms=\\d+ prompt_tokens=11 completion_tokens=3 key_id=" + key
                + " caller=[0-9a-f]{16}"), miss);
        assertTrue(hit.matches("POST /v1/chat/completions provider=openai model=gpt-4o-mini namespace=- cache=HIT "
                + "status=200 upstream_ms=- total_ms=\\d+ prompt_tokens=11 completion_tokens=3 key_id=" + key
                + " caller=[0-9a-f]{16}"), hit);
        for (LogRecord record : records) {
            assertFalse(record.getMessage().contains(SECRET), record.getMessage());
            assertFalse(record.getMessage().contains("key=" + SECRET), record.getMessage());
            assertFalse(record.getMessage().contains(PROMPT), record.getMessage());
            assertFalse(record.getMessage().contains(exchanges.get(0).keyId()), "the key id is shortened");
            assertFalse(record.getMessage().contains(" body="), "bodies are off by default: " + record.getMessage());
        }
    }

    @Test
    void theNamespaceIsLoggedAndTheUpstreamTimeIsTheExchangesOwnCall() throws Exception {
        List<ExchangeSummary> exchanges;
        fixture.post(CHAT, BODY, "X-Cache-Namespace", "nightly-evals");
        fixture.post(CHAT, BODY, "X-Cache-Namespace", "nightly-evals");
        exchanges = fixture.proxy().events().awaitExchanges(2);
        fixture.stop();
        assertEquals(2, records.size(), records.toString());
        String miss = records.get(0).getMessage();
        assertTrue(miss.contains(" namespace=nightly-evals cache=MISS status=200 upstream_ms="
                + exchanges.get(0).upstreamMillis() + " total_ms="), miss);
        assertTrue(exchanges.get(0).upstreamMillis() >= 0 && exchanges.get(0).upstreamMillis() <= exchanges.get(0).totalMillis(),
                exchanges.get(0).toString());
        assertTrue(records.get(1).getMessage().contains(" namespace=nightly-evals cache=HIT status=200 upstream_ms=- "),
                records.get(1).getMessage());
    }

    @Test
    void logBodiesAddsTheRequestBodyMinifiedRedactedEscapedAndCut() throws Exception {
        String pretty = "{\n  \"model\": \"gpt-4o-mini\",\n  \"api_key\": \"" + SECRET + "\",\n  \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"" + PROMPT + " \\\"now\\\"\\nplease, and some more words after the cut\"}]\n}";
        String minified = "{\"model\":\"gpt-4o-mini\",\"api_key\":\"REDACTED\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + PROMPT + " \\\"now\\\"\\nplease, and some more words after the cut\"}]}";
        int bound = minified.indexOf("please") + "please".length();
        String kept = minified.substring(0, bound).replace("\\", "\\\\").replace("\"", "\\\"");
        fixture.with("log/bodies", "true", "log/bodyMaxChars", String.valueOf(bound));
        assertEquals(200, fixture.post(CHAT, pretty, "Authorization", "Bearer " + SECRET).statusCode());
        fixture.proxy().events().awaitExchanges(1);
        fixture.stop();
        assertEquals(1, records.size(), records.toString());
        String line = records.get(0).getMessage();
        assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
        assertFalse(line.contains(SECRET), line);
        assertTrue(line.contains(" key_id="), line);
        String body = " body=\"" + kept + "…(+" + (minified.length() - bound) + " chars)\"";
        assertTrue(line.endsWith(body), line + "\n does not end with\n" + body);
        assertTrue(line.contains(PROMPT + " \\\\\\\"now\\\\\\\"\\\\nplease"), "quotes and the break escaped: " + line);
    }

    @Test
    void aRefusedRequestIsLoggedWithoutACacheStatus() throws Exception {
        fixture.post(CHAT, "{not json");
        fixture.proxy().events().awaitExchanges(1);
        fixture.stop();
        assertEquals(1, records.size(), records.toString());
        assertTrue(records.get(0).getMessage().matches("POST /v1/chat/completions provider=\\S+ model=- namespace=- cache=- "
                + "status=400 upstream_ms=- total_ms=\\d+ prompt_tokens=0 completion_tokens=0 key_id=- caller=-"), records.get(0).getMessage());
    }

    @Test
    void logAccessFalseSilencesIt() throws Exception {
        fixture.with("log/access", "false");
        assertEquals(200, fixture.post(CHAT, BODY).statusCode());
        fixture.proxy().events().awaitExchanges(1);
        fixture.stop();
        assertEquals(List.of(), records);
    }
}
