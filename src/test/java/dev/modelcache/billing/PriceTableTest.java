package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.ConfigException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
    @TempDir
    Path dir;

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount);
    }

    @Test
    void theMostSpecificPatternWins() {
        PriceTable table = PriceTable.builtIn();
        assertEquals("gpt-4o-mini*", table.lookup("gpt-4o-mini-2024-07-18").orElseThrow().pattern());
        assertEquals("gpt-4o*", table.lookup("gpt-4o-2024-08-06").orElseThrow().pattern());
        assertEquals("o3-mini*", table.lookup("o3-mini").orElseThrow().pattern());
        assertEquals("o3*", table.lookup("o3").orElseThrow().pattern());
        assertEquals("claude-3-5-haiku*", table.lookup("claude-3-5-haiku-20241022").orElseThrow().pattern());
        assertEquals("gemini-2.5-flash-lite*", table.lookup("gemini-2.5-flash-lite").orElseThrow().pattern());
        assertEquals("gemini-2.5-flash*", table.lookup("GEMINI-2.5-FLASH").orElseThrow().pattern(), "case does not matter");
    }

    @Test
    void anExactNameBeatsAGlobOfTheSameLength() throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"prices\":{\"my-model*\":{\"input\":1,\"output\":1},\"my-model\":{\"input\":2,\"output\":2}}}");
        PriceTable table = PriceTable.load(file);
        assertEquals("my-model", table.lookup("my-model").orElseThrow().pattern());
        assertEquals("my-model*", table.lookup("my-model-2").orElseThrow().pattern());
    }

    @Test
    void aQuestionMarkInAPriceKeyIsOneCharacterAsInTheProviderTable() throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"replace\":true,\"prices\":{\"o?-mini\":{\"input\":1,\"output\":4},"
                + "\"o3-mini\":{\"input\":2,\"output\":8}}}");
        PriceTable table = PriceTable.load(file);
        assertEquals("o?-mini", table.lookup("o1-mini").orElseThrow().pattern(), "? stands for one character");
        assertEquals("o3-mini", table.lookup("O3-MINI").orElseThrow().pattern(), "the exact key is more specific");
        assertTrue(table.lookup("o10-mini").isEmpty());
    }

    @Test
    void aVendorPrefixIsLookedPast() {
        assertEquals("gpt-4o*", PriceTable.builtIn().lookup("openai/gpt-4o").orElseThrow().pattern());
        assertEquals("gemini-2.5-flash*", PriceTable.builtIn().lookup("models/gemini-2.5-flash").orElseThrow().pattern());
    }

    @Test
    void anUnknownModelHasNoPriceAndCostsNothing() {
        PriceTable table = PriceTable.builtIn();
        assertTrue(table.lookup("llama3.2:3b").isEmpty());
        assertTrue(table.lookup(null).isEmpty());
    }

    @Test
    void theShippedTableSaysWhenItWasChecked() {
        assertNotNull(PriceTable.builtIn().checked());
        assertTrue(PriceTable.builtIn().checked().matches("\\d{4}-\\d{2}-\\d{2}"));
    }

    @Test
    void cacheReadAndWritePricesDefaultToTheInputPrice() {
        Price gpt35 = PriceTable.builtIn().lookup("gpt-3.5-turbo").orElseThrow();
        assertEquals(0, gpt35.cacheRead().compareTo(gpt35.input()));
        assertEquals(0, gpt35.cacheWrite().compareTo(gpt35.input()));
    }

    @Test
    void theConfiguredFileOverridesAndExtendsTheShippedTable() throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, """
                {"checked": "2030-01-01", "prices": {
                  "gpt-4o*": {"input": 9, "output": 99},
                  "llama3*": {"input": 0.01, "output": 0.02}
                }}""");
        PriceTable table = PriceTable.load(file);
        assertEquals(0, usd("9").compareTo(table.lookup("gpt-4o").orElseThrow().input()));
        assertEquals(0, usd("0.02").compareTo(table.lookup("llama3.2").orElseThrow().output()));
        assertEquals(0, usd("0.15").compareTo(table.lookup("gpt-4o-mini").orElseThrow().input()), "the rest stays");
        assertEquals("2030-01-01", table.checked());
    }

    @Test
    void aFileThatSaysReplaceDropsTheShippedTable() throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"replace\": true, \"prices\": {\"llama3*\": {\"input\": 0, \"output\": 0}}}");
        PriceTable table = PriceTable.load(file);
        assertTrue(table.lookup("gpt-4o").isEmpty());
        assertTrue(table.lookup("llama3").isPresent());
        assertEquals(PriceTable.builtIn().checked(), table.checked());
    }

    @Test
    void aBadPriceFileNamesTheKey() throws IOException {
        Path missing = dir.resolve("missing.json");
        assertEquals("prices/file", assertThrows(ConfigException.class, () -> PriceTable.load(missing)).key());
        for (String bad : new String[] {"not json", "{\"prices\": []}", "{\"prices\": {\"x*\": {\"input\": 1}}}",
                "{\"prices\": {\"x*\": {\"input\": -1, \"output\": 1}}}",
                "{\"prices\": {\"x*\": {\"input\": 1, \"output\": 1, \"outptu\": 2}}}",
                "{\"prices\": {\"x*\": {\"input\": 1, \"output\": 1}, \"x*\": {\"input\": 2, \"output\": 2}}}"}) {
            Path file = dir.resolve("bad.json");
            Files.writeString(file, bad);
            ConfigException e = assertThrows(ConfigException.class, () -> PriceTable.load(file), bad);
            assertEquals("prices/file", e.key());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void aPriceCostsItsTokensExactly() {
        Price price = new Price("m*", usd("2.50"), usd("10"), usd("1.25"), usd("3.75"));
        // 1000 input of which 400 cache reads and 100 cache writes, 200 output:
        // 500 * 2.50 + 400 * 1.25 + 100 * 3.75 + 200 * 10 = 1250 + 500 + 375 + 2000 = 4125 per million.
        assertEquals(0, usd("0.004125").compareTo(price.cost(new Tokens(1000, 200, 400, 100))));
        assertEquals(0, BigDecimal.ZERO.compareTo(price.cost(Tokens.NONE)));
    }
}
