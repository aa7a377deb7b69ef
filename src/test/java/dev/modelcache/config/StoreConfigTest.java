package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The store's keys: cache/heapMB, cache/recordMB and cache/keySalt. */
class StoreConfigTest {
    private static Config config(String... namesAndValues) {
        return ConfigFixtures.config(namesAndValues);
    }

    private static ConfigException fails(String... namesAndValues) {
        return assertThrows(ConfigException.class, () -> config(namesAndValues));
    }

    @Test
    void theHeapTierIsBoundedInBytesByDefault() {
        Config c = config();
        assertEquals(CacheConfig.DEFAULT_HEAP_MB, c.cache().heapMB());
        assertEquals(CacheConfig.DEFAULT_HEAP_MB * 1024, c.cache().heapKB());
        assertEquals(CacheConfig.DEFAULT_RECORD_MB * 1024 * 1024, c.cache().recordBytes());
        assertNull(c.cache().keySalt());
    }

    @Test
    void theDefaultHeapIsAtMostHalfASmallDiskTier() {
        assertEquals(5 * 1024, config("cache/diskMB", "10", "cache/maxEntryMB", "10").cache().heapKB());
        assertEquals(512, config("cache/diskMB", "1", "cache/maxEntryMB", "1").cache().heapKB());
    }

    @Test
    void heapMBZeroBoundsTheHeapByEntries() {
        Config c = config("cache/heapMB", "0", "cache/heapEntries", "50");
        assertEquals(0, c.cache().heapKB());
        assertEquals(50, c.cache().heapEntries());
    }

    @Test
    void anExplicitHeapMustBeSmallerThanTheDiskTier() {
        ConfigException e = fails("cache/heapMB", "2048");
        assertEquals("cache/heapMB", e.key());
        assertEquals(100 * 1024, config("cache/heapMB", "100").cache().heapKB());
        assertEquals("cache/heapMB", fails("cache/heapMB", "lots").key());
    }

    @Test
    void theRecordBoundIsReadAndMustHoldTheLargestEntry() {
        assertEquals(2048L * 1024 * 1024, config("cache/recordMB", "2048").cache().recordBytes());
        assertEquals("cache/maxEntryMB", fails("cache/recordMB", "10").key());
        assertEquals("cache/recordMB", fails("cache/recordMB", "0").key());
    }

    @Test
    void aKeySaltIsASecretOfAtLeastSixteenCharactersNeverEchoed() {
        assertEquals("a salt of enough length", config("cache/keySalt", "a salt of enough length").cache().keySalt());
        ConfigException e = fails("cache/keySalt", "tooShortSecret");
        assertEquals("cache/keySalt", e.key());
        assertFalse(e.getMessage().contains("tooShortSecret"), e.getMessage());
        String shown = config("cache/keySalt", "a salt of enough length").toString();
        assertFalse(shown.contains("a salt of enough length"), shown);
        assertTrue(shown.contains("keySalt=set"), shown);
    }
}
