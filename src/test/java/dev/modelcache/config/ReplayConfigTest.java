package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayConfigTest {
    private static ReplayConfig replay(String... pairs) {
        return ConfigFixtures.config(pairs).replay();
    }

    @Test
    void theDefaultsReadThroughEveryRequestWithCallersIsolatedAndUserAndMetadataIgnored() {
        ReplayConfig c = replay();
        assertEquals(CacheMode.READTHROUGH, c.mode());
        assertFalse(c.deterministicOnly());
        assertFalse(c.shared());
        assertEquals(List.of("/user", "/metadata"), c.ignoreFields());
        assertEquals(List.of(), c.cassettes());
        assertFalse(c.sequences());
        assertTrue(c.repeatLastInSequence());
        assertEquals(ReplayConfig.defaults(), c);
    }

    @Test
    void everyKeyIsRead() {
        ReplayConfig c = replay("cache/mode", "Replay", "cache/policy", "deterministic", "cache/shared", "true",
                "cache/ignoreFields", " /user , /messages/0/name ", "cache/cassettes", "src/test/cassettes, other",
                "cache/sequences", "yes", "cache/sequenceEnd", "fail");
        assertEquals(CacheMode.REPLAY, c.mode());
        assertTrue(c.deterministicOnly());
        assertTrue(c.shared());
        assertEquals(List.of("/user", "/messages/0/name"), c.ignoreFields());
        assertEquals(List.of(Path.of("src/test/cassettes"), Path.of("other")), c.cassettes());
        assertTrue(c.sequences());
        assertFalse(c.repeatLastInSequence());
    }

    @ParameterizedTest
    @CsvSource({"cache/mode, sometimes", "cache/policy, random", "cache/shared, perhaps", "cache/ignoreFields, user",
            "cache/sequences, 2", "cache/sequenceEnd, loop"})
    void aBadValueStopsTheStartNamingItsKey(String key, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> replay(key, value));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void theCassetteDropHeadersAndRedactListsAreReadAndABadItemStopsTheStartNamingItsKey() {
        ReplayConfig c = replay("cache/cassetteDropHeaders", " x-served-by , x-trace-* ",
                "cache/redact", "/api_token, /messages/0/content ,X-Trace-Id");
        assertEquals(List.of("x-served-by", "x-trace-*"), c.cassetteDropHeaders());
        assertEquals(List.of("/api_token", "/messages/0/content", "X-Trace-Id"), c.redact());
        assertEquals(List.of(), replay().redact());
        assertEquals(List.of(), replay().cassetteDropHeaders());
        ConfigException e = assertThrows(ConfigException.class, () -> replay("cache/redact", "api token"));
        assertEquals("cache/redact", e.key());
        assertTrue(e.getMessage().contains("nor a JSON pointer"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> replay("cache/cassetteDropHeaders", "x:y"));
        assertEquals("cache/cassetteDropHeaders", e.key());
    }
}
