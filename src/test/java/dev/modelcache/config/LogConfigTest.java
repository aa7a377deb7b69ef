package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code log/access}, {@code log/bodies} and {@code log/bodyMaxChars}: bodies stay out of the log unless asked for. */
class LogConfigTest {
    private static LogConfig log(String... keysAndValues) {
        return ConfigFixtures.config(keysAndValues).log();
    }

    @Test
    void theAccessLogIsOnAndBodiesAreOffByDefault() {
        LogConfig log = log();
        assertTrue(log.access());
        assertFalse(log.bodies());
        assertEquals(LogConfig.DEFAULT_BODY_MAX_CHARS, log.bodyMaxChars());
        assertEquals(2000, log.bodyMaxChars());
    }

    @Test
    void bodiesAreSwitchedOnExplicitlyWithTheirBound() {
        LogConfig log = log("log/bodies", "true", "log/bodyMaxChars", "500");
        assertTrue(log.bodies());
        assertEquals(500, log.bodyMaxChars());
    }

    @ParameterizedTest
    @CsvSource({"log/bodies, maybe", "log/bodyMaxChars, lots", "log/bodyMaxChars, 0", "log/bodyMaxChars, 1000001",
            "log/access, sometimes"})
    void aBadValueStopsTheStartNamingItsKey(String key, String value) {
        ConfigException refused = assertThrows(ConfigException.class, () -> log(key, value));
        assertEquals(key, refused.key(), refused.getMessage());
        assertTrue(refused.getMessage().contains(key), refused.getMessage());
    }
}
