package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.files.OwnerOnly;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.tokens.Usage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostLedgerTest {
    static final ExchangePricing PRICING = new ExchangePricing(PriceTable.builtIn());
    static final Clock NOON = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path cacheDir;

    /** An exchange as the pipeline hands it to the listeners: priced once, by the shipped table. */
    static ExchangeSummary exchange(String model, CacheStatus status, boolean coalesced, long prompt, long completion,
                                    String caller) {
        return PRICING.price(new ExchangeSummary("POST", "/v1/chat/completions", "openai", model, status, coalesced,
                200, new Usage(prompt, completion, false), "key", caller, 1));
    }

    static void assertUsd(String expected, JsonNode usd) {
        assertEquals(0, new BigDecimal(expected).compareTo(usd.decimalValue()), "expected " + expected + " USD, got " + usd);
    }

    @Test
    void aMissAddsWhatItSpentAndAHitWhatItSaved() {
        CostLedger ledger = CostLedger.inMemory(PRICING.checked(), NOON);
        // gpt-4o-mini: 0.15 in, 0.60 out per million; 1000 in + 500 out = 150 + 300 = 450 per million.
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 500, "alice"));
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.HIT, false, 1000, 500, "alice"));
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.HIT, true, 1000, 500, "bob"));
        JsonNode report = ledger.report();
        assertEquals(1, report.at("/total/spent/count").asLong());
        assertUsd("0.00045", report.at("/total/spent/usd"));
        assertEquals(1500, report.at("/total/spent/tokens").asLong());
        assertEquals(2, report.at("/total/saved/count").asLong());
        assertUsd("0.0009", report.at("/total/saved/usd"));
        assertEquals(2000, report.at("/total/saved/inputTokens").asLong(), "hits keep their token counts");
        assertEquals(1000, report.at("/total/saved/outputTokens").asLong());
        assertUsd("0.00045", report.at("/byCaller/bob/saved/usd"));
        assertUsd("0.00045", report.at("/byCaller/alice/spent/usd"));
        assertUsd("0.00045", report.at("/byModel/gpt-4o-mini/spent/usd"));
        assertUsd("0.0009", report.at("/byProvider/openai/saved/usd"));
        assertEquals("2026-12-03", report.path("day").asText());
        assertUsd("0.00045", report.at("/days/2026-12-03/spent/usd"));
        assertUsd("0.00045", report.at("/today/spent/usd"));
    }

    @Test
    void refreshesAndBypassesAreSpendingTooButAFollowerOfAnotherCallIsNot() {
        CostLedger ledger = CostLedger.inMemory(PRICING.checked(), NOON);
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.REFRESH, false, 1000, 0, "a"));
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.BYPASS, false, 1000, 0, "a"));
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, true, 1000, 0, "a"));
        ledger.exchangeEnded(exchange("gpt-4o-mini", null, false, 1000, 0, "a"));
        assertEquals(2, ledger.spentToday().count());
        assertEquals(2000, ledger.spentToday().tokens().input());
    }

    @Test
    void cacheReadsArePricedAtTheCacheReadPriceWhenPresent() {
        CostLedger ledger = CostLedger.inMemory(PRICING.checked(), NOON);
        // claude-sonnet-4: 3 in, 15 out, 0.30 cache read, 3.75 cache write per million.
        // 10000 in (8000 read, 1000 written), 100 out: 1000*3 + 8000*0.30 + 1000*3.75 + 100*15 = 10650 per million.
        ledger.exchangeEnded(PRICING.price(new ExchangeSummary("POST", "/v1/messages", "anthropic",
                "claude-sonnet-4-20250514", CacheStatus.MISS, false, 200, new Usage(10_000, 100, false, 8_000, 1_000),
                "key", "a", 1)));
        JsonNode spent = ledger.report().at("/total/spent");
        assertUsd("0.01065", spent.path("usd"));
        assertEquals(8000, spent.path("cacheReadTokens").asLong());
        assertEquals(1000, spent.path("cacheWriteTokens").asLong());
    }

    @Test
    void anUnpricedModelCostsNothingAndIsReported() {
        CostLedger ledger = CostLedger.inMemory(PRICING.checked(), NOON);
        ledger.exchangeEnded(exchange("llama3.2", CacheStatus.MISS, false, 100, 100, "a"));
        JsonNode report = ledger.report();
        assertUsd("0", report.at("/total/spent/usd"));
        assertEquals(200, report.at("/total/spent/tokens").asLong());
        assertEquals("llama3.2", report.at("/unpriced/0").asText());
    }

    @Test
    void spendingIsCountedPerUtcDayAndPerCaller() {
        CostLedger ledger = CostLedger.inMemory(PRICING.checked(), NOON);
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 500, "alice"));
        ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 0, "bob"));
        assertEquals(1500, ledger.spentToday("alice").tokens().total());
        assertEquals(1000, ledger.spentToday("bob").tokens().total());
        assertEquals(2500, ledger.spentToday().tokens().total());
        assertEquals(0, ledger.spentToday("carol").count());
    }

    @Test
    void theLedgerSurvivesARestartInAnOwnerOnlyFile() throws Exception {
        try (CostLedger ledger = CostLedger.open(cacheDir, PRICING.checked(), NOON)) {
            ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 500, "alice"));
            ledger.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.HIT, false, 1000, 500, "alice"));
        }
        Path file = cacheDir.resolve("ledger.json");
        assertTrue(Files.exists(file));
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals(OwnerOnly.FILE, Files.getPosixFilePermissions(file));
        }
        try (CostLedger again = CostLedger.open(cacheDir, PRICING.checked(), NOON)) {
            JsonNode report = again.report();
            assertUsd("0.00045", report.at("/total/spent/usd"));
            assertUsd("0.00045", report.at("/total/saved/usd"));
            assertEquals(1500, again.spentToday("alice").tokens().total());
            again.exchangeEnded(exchange("gpt-4o-mini", CacheStatus.MISS, false, 1000, 500, "alice"));
            assertUsd("0.0009", again.report().at("/total/spent/usd"));
        }
    }

    @Test
    void aLedgerWrittenBeforeTheUnpricedMarkCountsRowsOfTokensAtNoCostAsUnpriced() throws Exception {
        String tally = "{\"count\":1,\"inputTokens\":100,\"outputTokens\":100,\"usd\":%s}";
        String empty = "{\"count\":0}";
        Files.writeString(cacheDir.resolve("ledger.json"), "{\"version\":1,\"days\":{\"2026-12-03\":["
                + "{\"provider\":\"ollama\",\"model\":\"llama3.2\",\"caller\":\"a\",\"spent\":" + tally.formatted("0")
                + ",\"saved\":" + empty + "},"
                + "{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"caller\":\"a\",\"spent\":"
                + tally.formatted("0.00045") + ",\"saved\":" + empty + "}]}}");
        try (CostLedger ledger = CostLedger.open(cacheDir, PRICING.checked(), NOON)) {
            JsonNode unpriced = ledger.report().path("unpriced");
            assertEquals(1, unpriced.size(), unpriced.toString());
            assertEquals("llama3.2", unpriced.get(0).asText());
        }
        try (CostLedger again = CostLedger.open(cacheDir, PRICING.checked(), NOON)) {
            assertEquals("[\"llama3.2\"]", again.report().path("unpriced").toString(), "the mark is kept once written");
        }
    }

    @Test
    void anUnreadableLedgerIsMovedAsideAndTheLedgerStartsEmpty() throws Exception {
        Files.writeString(cacheDir.resolve("ledger.json"), "{broken");
        try (CostLedger ledger = CostLedger.open(cacheDir, PRICING.checked(), NOON)) {
            assertEquals(0, ledger.spentToday().count());
        }
        assertTrue(Files.exists(cacheDir.resolve("ledger.json.unreadable")));
    }
}
