package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A name in the configuration's namespace that is not a setting stops the start, naming the nearest key in the same
 * spelling; {@code config/allowUnknown} lets names another tool owns pass. The environment is a map here, never the
 * process's own.
 */
class UnknownSettingsTest {
    private static Settings env(Map<String, String> environment) {
        return Settings.layered(Map.of(), new Properties(), environment);
    }

    @Test
    void theNearestKeyIsNamedInTheSpellingTheNameWasGiven() {
        assertEquals("providers/openai/baseUrl", NearestKey.toKey("providers/openai/base_url"));
        assertEquals("providers/my-llm/apiKey", NearestKey.toKey("providers/my-llm/api_key"));
        assertEquals("cache/mode", NearestKey.toKey("cache/mod"));
        assertEquals("MODELCACHE_PROVIDERS_OPENAI_BASEURL", NearestKey.toEnvironment("MODELCACHE_PROVIDERS_OPENAI_BASE_URL"));
        assertEquals("MODELCACHE_PROVIDERS_MY_LLM_MODELS", NearestKey.toEnvironment("MODELCACHE_PROVIDERS_MY_LLM_MODEL"));
        assertEquals("MODELCACHE_CACHE_MODE", NearestKey.toEnvironment("MODELCACHE_CACHE_MOD"));
        assertEquals("MODELCACHE_CACHE_CASSETTES", NearestKey.toEnvironment("MODELCACHE_CACHE_CASETTES"));
        assertEquals("modelcache.cache.shared", NearestKey.toProperty("modelcache.cache.share"));
        assertEquals(1, NearestKey.distance("mod", "mode"));
        assertEquals(3, NearestKey.distance("kitten", "sitting"));
    }

    @Test
    void aMisspelledVariableStopsTheStartNamingTheNearestOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> UnknownSettings.check(env(Map.of(
                "MODELCACHE_CACHE_MOD", "replay", "MODELCACHE_PROVIDERS_OPENAI_BASE_URL", "http://127.0.0.1:1",
                "PATH", "/usr/bin", "MODELCACHE_CACHE_DIR", "/tmp/c"))));
        assertTrue(e.getMessage().contains("unknown environment variable MODELCACHE_CACHE_MOD (did you mean MODELCACHE_CACHE_MODE?)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("unknown environment variable MODELCACHE_PROVIDERS_OPENAI_BASE_URL (did you mean"
                + " MODELCACHE_PROVIDERS_OPENAI_BASEURL?)"), e.getMessage());
        assertFalse(e.getMessage().contains("PATH"), "only the MODELCACHE_ namespace is ours");
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(e.getMessage().contains("MODELCACHE_CACHE_DIR"), "a known variable is not reported");
    }

    @Test
    void theJunit5ExtensionsOwnNamesPass() {
        Properties properties = new Properties();
        properties.setProperty("modelcache.mode", "replay");
        properties.setProperty("modelcache.war", "target/modelcache.war");
        assertEquals(List.of(), UnknownSettings.problems(Settings.layered(Map.of(), properties,
                Map.of("MODELCACHE_MODE", "record"))), "a build that runs the extension sets them beside a proxy's settings");
    }

    @Test
    void unknownPropertiesAndJndiNamesStopItToo() {
        Properties properties = new Properties();
        properties.setProperty("modelcache.cache.mod", "replay");
        properties.setProperty("modelcache.contextFile", "webapp-config/context.xml"); // the launcher's own
        properties.setProperty("other.tool", "x");
        Settings settings = Settings.layered(Map.of("providers/openai/base_url", "http://h", "cache/mode", "record"),
                properties, Map.of());
        assertEquals(List.of("unknown system property modelcache.cache.mod (did you mean modelcache.cache.mode?)",
                "unknown JNDI name modelcache/providers/openai/base_url (did you mean modelcache/providers/openai/baseUrl?)"),
                UnknownSettings.problems(settings));
    }

    @Test
    void knownNamesEmptyValuesAndAnyProviderNamePass() {
        assertDoesNotThrow(() -> UnknownSettings.check(env(Map.of("MODELCACHE_PROVIDERS_MY_LLM_APIKEY", "k",
                "MODELCACHE_PROVIDERS_GROQ_BASEURL", "https://api.groq.com/openai", "MODELCACHE_PORT", "8080",
                "MODELCACHE_CACHE_MOD", " "))));
    }

    @Test
    void allowUnknownLetsNamedAndPrefixedNamesPass() {
        assertDoesNotThrow(() -> UnknownSettings.check(env(Map.of("MODELCACHE_CONFIG_ALLOWUNKNOWN",
                "MODELCACHE_VERSION_PIN, MODELCACHE_CI_*", "MODELCACHE_VERSION_PIN", "1", "MODELCACHE_CI_JOB", "x"))));
        assertDoesNotThrow(() -> UnknownSettings.check(env(Map.of("MODELCACHE_CONFIG_ALLOWUNKNOWN", "true",
                "MODELCACHE_ANYTHING", "1"))));
        ConfigException e = assertThrows(ConfigException.class, () -> UnknownSettings.check(env(Map.of(
                "MODELCACHE_CONFIG_ALLOWUNKNOWN", "MODELCACHE_CI_*", "MODELCACHE_CACHE_MOD", "replay"))));
        assertTrue(e.getMessage().contains("MODELCACHE_CONFIG_ALLOWUNKNOWN=NAME"), e.getMessage());
    }

    @Test
    void aHintNamesOnlyTheWaysThatReachTheKey() {
        String port = new ConfigException("port", "'x' is not a whole number").getMessage();
        assertFalse(port.contains("JNDI"), "no container reads port: " + port);
        assertTrue(port.contains("MODELCACHE_PORT") && port.contains("modelcache.port"), port);
        String mode = new ConfigException("cache/mode", "'x' is not a mode").getMessage();
        assertTrue(mode.contains("JNDI java:comp/env/modelcache/cache/mode"), mode);
        assertTrue(new ConfigException("providers/groq/type", "bad").getMessage().contains("MODELCACHE_PROVIDERS_GROQ_TYPE"));
    }
}
