package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.metrics.AccessLog;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One access log line per proxied exchange, with no credential and no prompt text; {@code log/access=false} silences it. */
class AccessLogIntegrationTest {
    static final String SECRET = "sk-ACCESSLOGSECRET9";
    static final String PROMPT = "Tell me the secret plan";
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    /** Held here: java.util.logging keeps its loggers only weakly. */
    final Logger access = Logger.getLogger(AccessLog.LOGGER);
    final LogCapture capture = new LogCapture();
    final List<LogRecord> records = capture.records;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start();
        upstream.handler(r -> Reply.json(200, CHAT_ANSWER));
        access.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        access.removeHandler(capture);
        upstream.close();
    }

    @Test
    void eachExchangeIsOneInfoLineWithRouteStatusLatencyTokensAndAShortKeyId() throws Exception {
        List<ExchangeSummary> exchanges;
        try (TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir)) {
            proxy.post(CHAT + "?key=" + SECRET, BODY, "Authorization", "Bearer " + SECRET);
            proxy.post(CHAT + "?key=" + SECRET, BODY, "Authorization", "Bearer " + SECRET);
            exchanges = proxy.events().awaitExchanges(2);
        }
        assertEquals(2, records.size(), records.toString());
        String miss = records.get(0).getMessage();
        String hit = records.get(1).getMessage();
        assertEquals(Level.INFO, records.get(0).getLevel());
        String key = exchanges.get(0).keyId().substring(0, 12);
        assertTrue(miss.matches("POST /v1/chat/completions provider=openai model=gpt-4o-mini cache=MISS status=200 "
                + "total_ms=\\d+ prompt_tokens=11 completion_tokens=3 key_id=" + key), miss);
        assertTrue(hit.matches("POST /v1/chat/completions provider=openai model=gpt-4o-mini cache=HIT status=200 "
                + "total_ms=\\d+ prompt_tokens=11 completion_tokens=3 key_id=" + key), hit);
        for (LogRecord record : records) {
            assertFalse(record.getMessage().contains(SECRET), record.getMessage());
            assertFalse(record.getMessage().contains("key=" + SECRET), record.getMessage());
            assertFalse(record.getMessage().contains(PROMPT), record.getMessage());
            assertFalse(record.getMessage().contains(exchanges.get(0).keyId()), "the key id is shortened");
        }
    }

    @Test
    void aRefusedRequestIsLoggedWithoutACacheStatus() throws Exception {
        try (TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir)) {
            proxy.post(CHAT, "{not json");
            proxy.events().awaitExchanges(1);
        }
        assertEquals(1, records.size(), records.toString());
        assertTrue(records.get(0).getMessage().matches("POST /v1/chat/completions provider=\\S+ model=- cache=- "
                + "status=400 total_ms=\\d+ prompt_tokens=0 completion_tokens=0 key_id=-"), records.get(0).getMessage());
    }

    @Test
    void logAccessFalseSilencesIt() throws Exception {
        try (TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir, "log/access", "false")) {
            assertEquals(200, proxy.post(CHAT, BODY).statusCode());
            proxy.events().awaitExchanges(1);
        }
        assertEquals(List.of(), records);
    }
}
