package dev.modelcache.events;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger ({@code costs}), the stats ({@code sinceStart}, {@code sinceCreated}, {@code requests}) and the metrics
 * count the dollars of one price per exchange, set by the pipeline: through a running proxy whose provider reports
 * 1000 prompt and 500 completion tokens, for a model the shipped table has no price for.
 */
class OnePricePerExchangeTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Routed to openai by its glob gpt-*; no pattern of the shipped price table matches it. */
    static final String UNPRICED = "gpt-unpriced";

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;

    @BeforeEach
    void provider() throws Exception {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\","
                + "\"model\":\"" + UNPRICED + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}"));
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    String ask(String question) throws Exception {
        String cache = proxy.post(CHAT, "{\"model\":\"" + UNPRICED + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + question + "\"}]}").headers().firstValue("X-Cache").orElse("");
        proxy.events().awaitSettled();
        return cache;
    }

    JsonNode stats() throws Exception {
        return JSON.readTree(proxy.get("/_cache/stats").body());
    }

    /** The sum of the samples of {@code name} labelled with the model, from the Prometheus text. */
    static double metric(String text, String name) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("model=\"" + UNPRICED + "\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static boolean hasMetric(String text, String name) {
        return text.lines()
                .anyMatch(line -> line.startsWith(name + "{") && line.contains("model=\"" + UNPRICED + "\""));
    }

    @Test
    void theLedgerTheStatsAndTheMetricsAgreeOnAModelWithoutAPrice() throws Exception {
        proxy = TestProxy.start(upstream.baseUrl(), cacheDir);
        assertEquals("MISS", ask("one"));
        assertEquals("HIT", ask("one"));

        JsonNode stats = stats();
        JsonNode costs = stats.path("costs");
        assertEquals(UNPRICED, costs.at("/unpriced/0").asText(), "the ledger: " + costs);
        assertEquals(1, costs.at("/byModel/" + UNPRICED + "/spent/count").asLong());
        assertEquals(1, costs.at("/byModel/" + UNPRICED + "/saved/count").asLong());
        assertEquals(0, costs.at("/byModel/" + UNPRICED + "/spent/usd").decimalValue().signum());

        JsonNode byModel = stats.at("/sinceStart/byModel/" + UNPRICED);
        assertEquals(2, byModel.path("unpriced").asLong(), "the stats count the two exchanges as unpriced: " + byModel);
        assertEquals(2, stats.at("/sinceStart/unpriced").asLong());
        assertEquals(2, stats.at("/sinceCreated/unpriced").asLong());
        assertEquals(0, byModel.path("spentUsd").decimalValue().signum());
        assertEquals(1500, byModel.path("spentTokens").asLong(), "its tokens are counted all the same");
        JsonNode latest = JSON.readTree(proxy.get("/_cache/requests").body()).at("/requests/0");
        assertTrue(latest.has("priced") && !latest.path("priced").asBoolean(), "the latest request: " + latest);

        String metrics = proxy.get("/_cache/metrics").body();
        assertEquals(2, metric(metrics, "modelcache_unpriced_exchanges_total"), metrics);
        assertTrue(hasMetric(metrics, "modelcache_spent_usd_total"), "0 USD spent, as the ledger says: " + metrics);
        assertEquals(0, metric(metrics, "modelcache_spent_usd_total"), metrics);
        assertEquals(0, metric(metrics, "modelcache_saved_usd_total"), metrics);
    }

    @Test
    void anExchangeKeepsThePriceItWasCountedAtWhenThePriceFileChanges(@TempDir Path priceDir) throws Exception {
        proxy = TestProxy.start(upstream.baseUrl(), cacheDir);
        assertEquals("MISS", ask("before"));
        proxy.close();
        proxy = null;

        // 1000 * 2.00 + 500 * 10.00 = 7000 per million.
        Path prices = Files.writeString(priceDir.resolve("prices.json"),
                "{\"checked\":\"2026-12-05\",\"prices\":{\"" + UNPRICED + "\":{\"input\":2.00,\"output\":10.00}}}");
        Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), cacheDir);
        settings.put("prices/file", prices.toString());
        proxy = TestProxy.start(settings);
        assertEquals("MISS", ask("after"));

        JsonNode stats = stats();
        JsonNode costs = stats.path("costs");
        assertEquals(UNPRICED, costs.at("/unpriced/0").asText(),
                "the first exchange was counted at 0 USD for want of a price, and the ledger still says so: " + costs);
        assertEquals(2, costs.at("/byModel/" + UNPRICED + "/spent/count").asLong());
        BigDecimal spent = costs.at("/byModel/" + UNPRICED + "/spent/usd").decimalValue();
        assertEquals(0, new BigDecimal("0.007").compareTo(spent), costs.toString());
        JsonNode sinceCreated = stats.at("/sinceCreated/byModel/" + UNPRICED);
        assertEquals(1, sinceCreated.path("unpriced").asLong(), "the stats agree: " + sinceCreated);
        assertEquals(0, new BigDecimal("0.007").compareTo(sinceCreated.path("spentUsd").decimalValue()),
                sinceCreated.toString());
        assertEquals(0, stats.at("/sinceStart/unpriced").asLong(), "this run priced its exchange");
    }
}
