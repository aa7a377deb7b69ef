package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.admin.MetricsEndpoint;
import dev.modelcache.events.Stored;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /_cache/metrics} after a scripted run of misses and hits over HTTP. */
class MetricsIntegrationTest {
    static final String SECRET = "sk-METRICSSECRET42";
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Set<String> ALLOWED_LABELS = Set.of("cache", "provider", "model", "result", "cache_status",
            "status_class", "saved", "gen_ai_token_type", "le");

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start();
        upstream.handler(r -> Reply.json(200, CHAT_ANSWER));
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
    }

    static String chat(String prompt) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    @Test
    void twoMissesAndThreeHitsAreCountedAsCacheGetsPutsTokensAndDurations() throws Exception {
        try (TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir)) {
            for (String prompt : new String[] {"one", "one", "one", "two", "two"}) {
                assertEquals(200, proxy.post(CHAT + "?key=" + SECRET, chat(prompt), "Authorization", "Bearer " + SECRET)
                        .statusCode());
                proxy.events().awaitSettled();
            }
            HttpResponse<String> answer = proxy.get("/_cache/metrics");
            assertEquals(200, answer.statusCode(), answer.body());
            // Tomcat writes the type without the blanks after ';'.
            assertEquals(MetricsEndpoint.CONTENT_TYPE.replace(" ", ""), answer.headers().firstValue("Content-Type")
                    .orElseThrow().replace(" ", "").toLowerCase(java.util.Locale.ROOT));
            String text = answer.body();

            assertEquals(3, sum(text, "cache_gets_total", Map.of("result", "hit", "provider", "openai")), text);
            assertEquals(2, sum(text, "cache_gets_total", Map.of("result", "miss", "provider", "openai")), text);
            assertEquals(2, sum(text, "cache_puts_total", Map.of("provider", "openai")), text);
            assertEquals(2, sum(text, "cache_size", Map.of("cache", "responses")), text);
            assertEquals(5, sum(text, "modelcache_requests_total", Map.of("status_class", "2xx")), text);
            assertEquals(3, sum(text, "modelcache_requests_total", Map.of("cache_status", "hit")), text);
            assertEquals(33, sum(text, "gen_ai_client_token_usage_sum", Map.of("gen_ai_token_type", "input", "saved", "true")), text);
            assertEquals(22, sum(text, "gen_ai_client_token_usage_sum", Map.of("gen_ai_token_type", "input", "saved", "false")), text);
            assertEquals(15, sum(text, "gen_ai_client_token_usage_sum", Map.of("gen_ai_token_type", "output")), text);
            assertEquals(5, sum(text, "gen_ai_client_operation_duration_seconds_count", Map.of()), text);
            assertEquals(5, sum(text, "gen_ai_client_operation_duration_seconds_bucket", Map.of("le", "+Inf")), text);
            assertEquals(2, sum(text, "modelcache_upstream_duration_seconds_count", Map.of("result", "complete")), text);
            assertEquals(2, sum(text, "modelcache_upstream_time_to_first_byte_seconds_count", Map.of()), text);
            assertTrue(text.contains("\nmodelcache_access_log_dropped_total 0.0\n"), "the access log's drops: " + text);
            String stats = proxy.get("/_cache/stats").body();
            assertTrue(stats.contains("\"accessLog\":{\"dropped\":0,\"queued\":"), stats);
        }
    }

    @Test
    void dollarsSavedAndSpentArePricedFromThePriceTable(@TempDir Path priceDir) throws Exception {
        Path prices = priceDir.resolve("prices.json");
        Files.writeString(prices, "{\"checked\":\"2026-12-01\",\"prices\":{\"gpt-4o-mini\":{\"input\":2.00,\"output\":10.00}}}");
        double oneCall = (11 * 2.00 + 3 * 10.00) / 1_000_000;
        Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), cacheDir);
        settings.put("prices/file", prices.toString());
        try (TestProxy proxy = TestProxy.start(settings)) {
            for (String prompt : new String[] {"priced", "priced", "priced"}) {
                assertEquals(200, proxy.post(CHAT, chat(prompt)).statusCode());
                proxy.events().awaitSettled();
            }
            proxy.post(CHAT, "{\"model\":\"unpriced-model\",\"messages\":[]}");
            proxy.events().awaitSettled();
            String text = proxy.get("/_cache/metrics").body();
            Map<String, String> route = Map.of("provider", "openai", "model", "gpt-4o-mini");
            assertEquals(2 * oneCall, sum(text, "modelcache_saved_usd_total", route), 1e-12, text);
            assertEquals(oneCall, sum(text, "modelcache_spent_usd_total", route), 1e-12, text);
            assertTrue(text.contains("modelcache_saved_usd_total{model=\"gpt-4o-mini\",provider=\"openai\"}"), text);
            assertFalse(text.contains("unpriced-model"), "an exchange without a price is not counted in dollars: " + text);
            assertEquals(2 * oneCall, proxy.app().ledger().report().at("/today/saved/usd").asDouble(), 1e-12,
                    "the metric and the ledger agree: " + proxy.app().ledger().report());
        }
    }

    @Test
    void aStreamedAnswerIsTimedToItsFirstEventAndAPlainOneIsNot() throws Exception {
        upstream.handler(r -> r.bodyText().contains("\"stream\":true") ? Reply.sse(CHAT_EVENTS) : Reply.json(200, CHAT_ANSWER));
        try (TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir)) {
            String streamed = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"s\"}]}";
            assertEquals(200, proxy.post(CHAT, streamed).statusCode());
            assertEquals(200, proxy.post(CHAT, chat("plain")).statusCode());
            proxy.events().awaitSettled();
            String text = proxy.get("/_cache/metrics").body();
            assertEquals(1, sum(text, "modelcache_upstream_time_to_first_event_seconds_count", Map.of()), text);
            assertEquals(2, sum(text, "modelcache_upstream_time_to_first_byte_seconds_count", Map.of()), text);
        }
    }

    @Test
    void labelsAreFewAndNeverCarryAKeyIdOrACredential() throws Exception {
        try (TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir)) {
            proxy.post(CHAT + "?key=" + SECRET, chat("one"), "Authorization", "Bearer " + SECRET);
            proxy.post(CHAT, chat("one"), "Authorization", "Bearer " + SECRET);
            Stored stored = proxy.events().awaitStored(1).get(0);
            proxy.events().awaitSettled();
            String text = proxy.get("/_cache/metrics").body();
            Set<String> labels = new TreeSet<>();
            for (String line : text.split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (line.startsWith("#") || !sample.matches() || sample.group(2) == null) {
                    continue;
                }
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                    assertFalse(label.group(2).contains(stored.keyId().substring(0, 12)), line);
                }
            }
            assertTrue(ALLOWED_LABELS.containsAll(labels), "labels: " + labels);
            assertTrue(labels.containsAll(Set.of("result", "provider", "model", "gen_ai_token_type")), "labels: " + labels);
            assertFalse(text.contains(SECRET), text);
            assertFalse(text.contains("one\""), "no prompt text: " + text);
        }
    }

    @Test
    void theEndpointNeedsTheAdminTokenWhenOneIsSet() throws Exception {
        try (TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir, "admin/token", "admin-secret-7")) {
            assertEquals(401, proxy.get("/_cache/metrics").statusCode());
            assertEquals(401, proxy.get("/_cache/metrics", "Authorization", "Bearer wrong").statusCode());
            HttpResponse<String> allowed = proxy.get("/_cache/metrics", "Authorization", "Bearer admin-secret-7");
            assertEquals(200, allowed.statusCode(), allowed.body());
            assertTrue(allowed.body().contains("cache_size"), allowed.body());
            assertEquals(200, proxy.get("/_cache/metrics", "X-Cache-Admin-Token", "admin-secret-7").statusCode());
        }
    }

    /** The sum of the samples of {@code name} whose labels include {@code wanted}. */
    static double sum(String text, String name, Map<String, String> wanted) {
        double total = 0;
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> labels = new java.util.HashMap<>();
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            if (labels.entrySet().containsAll(wanted.entrySet())) {
                total += Double.parseDouble(sample.group(3));
            }
        }
        return total;
    }
}
