package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code shutdownDrainSeconds}: how long a stop lets answers in flight finish. */
class ShutdownDrainSettingTest {
    private static Config config(String drain) {
        Map<String, String> values = new HashMap<>(Map.of("providers/openai/baseUrl", "https://api.openai.com"));
        if (drain != null) {
            values.put("shutdownDrainSeconds", drain);
        }
        return Config.from(Settings.of(values));
    }

    @Test
    void defaultsToThirtySecondsAndMayBeZero() {
        assertEquals(Duration.ofSeconds(30), config(null).server().shutdownDrain());
        assertEquals(Duration.ZERO, config("0").server().shutdownDrain());
        assertEquals(Duration.ofSeconds(120), config("120").server().shutdownDrain());
    }

    @Test
    void aBadValueNamesTheKey() {
        assertEquals("shutdownDrainSeconds", assertThrows(ConfigException.class, () -> config("soon")).key());
        assertEquals("shutdownDrainSeconds", assertThrows(ConfigException.class, () -> config("-1")).key());
    }
}
