package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each exchange is priced with a look-up that does not scan the table (issue 19): a model's price is remembered after
 * its first look-up, the names remembered are bounded, and every answer is the one the scan gives.
 */
class PriceLookupTest {
    final PriceTable table = PriceTable.builtIn();

    /** The look-up as it was: the first (most specific) matching pattern, else the name after the last slash. */
    Optional<Price> reference(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        Optional<Price> found = table.prices().stream().filter(price -> price.matches(model)).findFirst();
        int slash = model.lastIndexOf('/');
        return found.isEmpty() && slash >= 0 ? reference(model.substring(slash + 1)) : found;
    }

    /** Names made from every shipped pattern, with prefixes, cases and suffixes, and odd names besides. */
    List<String> names() {
        List<String> names = new ArrayList<>(Arrays.asList(null, "", " ", "/", "//", "openai/", "openai/ ", "*", "?",
                "gpt-4o/", "/gpt-4o", "GPT-4O-MINI", "gpt\u20114o", "gpt-4o\n", "llama3.2:3b", "models/", "a/b/c/o3-mini",
                "x".repeat(PriceTable.REMEMBERED_LENGTH + 1), "gpt-4o" + "x".repeat(PriceTable.REMEMBERED_LENGTH)));
        for (Price price : table.prices()) {
            String p = price.pattern();
            for (String star : new String[] {"", "-2024-07-18", "x", "/", "-mini", ":latest"}) {
                String name = p.replace("*", star).replace("?", "1");
                for (String prefix : new String[] {"", "openai/", "models/", "a/b/", "/"}) {
                    names.add(prefix + name);
                    names.add((prefix + name).toUpperCase());
                    names.add(prefix + name + "/");
                    names.add(prefix + name.substring(0, Math.max(0, name.length() - 1)));
                }
            }
        }
        return names;
    }

    @Test
    void everyAnswerIsTheScansAnswerTheFirstTimeAndWhenRemembered() {
        List<String> names = names();
        assertTrue(names.size() > 1000, "a table worth the name: " + names.size());
        PriceTable fresh = PriceTable.builtIn();
        for (int round = 0; round < 2; round++) {
            for (String name : names) {
                assertEquals(reference(name), fresh.lookup(name), "round " + round + ": " + name);
            }
        }
    }

    @Test
    void aRememberedModelIsNotScannedForAgain() {
        PriceTable fresh = PriceTable.builtIn();
        fresh.lookup("gpt-4o-mini-2024-07-18");
        fresh.lookup("no-such-model");
        long scans = fresh.scans();
        for (int i = 0; i < 1000; i++) {
            assertEquals("gpt-4o-mini*", fresh.lookup("gpt-4o-mini-2024-07-18").orElseThrow().pattern());
            assertTrue(fresh.lookup("no-such-model").isEmpty(), "a model without a price is remembered too");
        }
        assertEquals(scans, fresh.scans(), "no scan for a name looked up before");
    }

    @Test
    void theNamesRememberedAreBoundedAndTheRestAreScannedWithTheSameAnswer() {
        PriceTable fresh = PriceTable.builtIn();
        for (int i = 0; i < PriceTable.REMEMBERED * 3; i++) {
            String name = (i % 2 == 0 ? "gpt-4o-" : "hostile-") + i;
            assertEquals(reference(name), fresh.lookup(name), name);
        }
        assertEquals(PriceTable.REMEMBERED, fresh.remembered(), "a caller cannot grow the map without bound");
        long scans = fresh.scans();
        assertEquals(reference("gpt-4o-99999"), fresh.lookup("gpt-4o-99999"));
        assertEquals(scans + 1, fresh.scans(), "past the bound, a new name is scanned for");
        String longName = "gpt-4o" + "x".repeat(PriceTable.REMEMBERED_LENGTH);
        PriceTable other = PriceTable.builtIn();
        other.lookup(longName);
        other.lookup(longName);
        assertEquals(0, other.remembered(), "a name longer than the bound is not kept");
    }

    /** The cost moves the decimal point instead of dividing, with the division's value and scale. */
    @Test
    void aCostIsTheDivisionsValueAtTheDivisionsScale() {
        java.util.Random random = new java.util.Random(19);
        List<java.math.BigDecimal> amounts = new ArrayList<>(List.of(java.math.BigDecimal.ZERO, new java.math.BigDecimal("0.00"),
                new java.math.BigDecimal("450.00"), new java.math.BigDecimal("1E+3"), new java.math.BigDecimal("1E+7"),
                new java.math.BigDecimal("0.075"), new java.math.BigDecimal("123456789.123456789")));
        for (Price price : table.prices()) {
            Tokens tokens = new Tokens(random.nextInt(1_000_000), random.nextInt(100_000), random.nextInt(1000), random.nextInt(1000));
            amounts.add(price.input().multiply(java.math.BigDecimal.valueOf(tokens.plainInput()))
                    .add(price.output().multiply(java.math.BigDecimal.valueOf(tokens.output()))));
        }
        for (int i = 0; i < 2000; i++) {
            amounts.add(java.math.BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, random.nextInt(12) - 2));
        }
        for (java.math.BigDecimal amount : amounts) {
            java.math.BigDecimal divided = amount.divide(java.math.BigDecimal.valueOf(1_000_000));
            java.math.BigDecimal moved = Price.perMillion(amount);
            assertEquals(divided, moved, "value and scale of " + amount);
        }
    }
}
