package dev.modelcache.config;

import java.util.HashMap;
import java.util.Map;

/** The smallest valid configuration (one provider, openai's base URL), with the keys a test sets over it. */
final class ConfigFixtures {
    static final String OPENAI_URL = ConfigKeys.PROVIDER_BASE_URL.of("openai");

    private ConfigFixtures() {
    }

    /** The minimal values plus {@code keysAndValues}, pairs such as {@code "cache/ttl", "60"}. */
    static Map<String, String> minimal(String... keysAndValues) {
        Map<String, String> values = new HashMap<>();
        values.put(OPENAI_URL, "https://api.openai.com");
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return values;
    }

    /** The configuration of {@link #minimal(String...)}: fails with a {@link ConfigException} on a bad value. */
    static Config config(String... keysAndValues) {
        return Config.from(Settings.of(minimal(keysAndValues)));
    }
}
