package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.BillingConfig;
import dev.modelcache.config.Config;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.Settings;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetConfigTest {
    static BillingConfig read(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put("providers/openai/baseUrl", "https://api.openai.com");
        return Config.from(Settings.of(all)).billing();
    }

    @Test
    void withoutKeysThereIsNoPriceFileAndNoCap() {
        BillingConfig billing = read(Map.of());
        assertNull(billing.pricesFile());
        assertFalse(billing.capped());
        assertFalse(billing.replayWhenExceeded());
    }

    @Test
    void capsAndTheirBehaviourAreRead() {
        BillingConfig billing = read(Map.of("budget/dailyUsd", "12.50", "budget/perKeyDailyTokens", "1_000_000",
                "budget/onExceeded", "Replay"));
        assertEquals(0, new BigDecimal("12.5").compareTo(billing.dailyUsd()));
        assertEquals(1_000_000L, billing.perKeyDailyTokens());
        assertTrue(billing.capped());
        assertTrue(billing.replayWhenExceeded());
    }

    @Test
    void aBadBudgetValueNamesItsKey() {
        for (Map.Entry<String, String> bad : Map.of("budget/dailyUsd", "ten", "budget/perKeyDailyUsd", "-1",
                "budget/dailyTokens", "0", "budget/onExceeded", "panic").entrySet()) {
            ConfigException e = assertThrows(ConfigException.class, () -> read(Map.ofEntries(bad)), bad.toString());
            assertEquals(bad.getKey(), e.key());
        }
    }
}
