package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final Set<String> LEAVES = ProvidersConfig.KEYS;

    private static Properties props(String... namesAndValues) {
        Properties p = new Properties();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            p.setProperty(namesAndValues[i], namesAndValues[i + 1]);
        }
        return p;
    }

    private static Map<String, String> map(String... namesAndValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void jndiValueIsUsedWhenNothingOverridesIt() {
        Settings s = Settings.layered(map("cache/dir", "/jndi"), props(), map());
        assertEquals(Optional.of("/jndi"), s.get("cache/dir"));
    }

    @Test
    void systemPropertyOverridesJndi() {
        Settings s = Settings.layered(map("cache/dir", "/jndi"), props("modelcache.cache.dir", "/prop"), map());
        assertEquals(Optional.of("/prop"), s.get("cache/dir"));
    }

    @Test
    void environmentOverridesSystemPropertyAndJndi() {
        Settings s = Settings.layered(map("cache/dir", "/jndi"), props("modelcache.cache.dir", "/prop"),
                map("MODELCACHE_CACHE_DIR", "/env"));
        assertEquals(Optional.of("/env"), s.get("cache/dir"));
    }

    @Test
    void environmentOverridesJndiWithoutAProperty() {
        Settings s = Settings.layered(map("port", "1"), props(), map("MODELCACHE_PORT", "3"));
        assertEquals(Optional.of("3"), s.get("port"));
    }

    @Test
    void environmentNameIsUpperCaseWithSlashesDotsAndDashesAsUnderscores() {
        assertEquals("MODELCACHE_PROVIDERS_GROQ_BASEURL", Settings.environmentName("providers/groq/baseUrl"));
        assertEquals("MODELCACHE_CACHE_MAXENTRYMB", Settings.environmentName("cache/maxEntryMB"));
        assertEquals("MODELCACHE_PROVIDERS_MY_LLM_APIKEY", Settings.environmentName("providers/my-llm/apiKey"));
        assertEquals("modelcache.providers.groq.baseUrl", Settings.systemPropertyName("providers/groq/baseUrl"));
    }

    @Test
    void camelCaseKeysAreFoundInTheEnvironmentByTheirUpperCaseName() {
        Settings s = Settings.layered(map(), props(), map("MODELCACHE_PROVIDERS_GROQ_BASEURL", "https://api.groq.com/openai"));
        assertEquals(Optional.of("https://api.groq.com/openai"), s.get("providers/groq/baseUrl"));
    }

    @Test
    void emptyEnvironmentValueFallsThroughToProperty() {
        Settings s = Settings.layered(map("port", "1"), props("modelcache.port", "2"), map("MODELCACHE_PORT", ""));
        assertEquals(Optional.of("2"), s.get("port"));
    }

    @Test
    void blankEnvironmentAndPropertyFallThroughToJndi() {
        Settings s = Settings.layered(map("port", "1"), props("modelcache.port", "  "), map("MODELCACHE_PORT", " "));
        assertEquals(Optional.of("1"), s.get("port"));
    }

    @Test
    void emptyValueInEveryLayerIsUnset() {
        Settings s = Settings.layered(map("port", ""), props("modelcache.port", ""), map("MODELCACHE_PORT", ""));
        assertEquals(Optional.empty(), s.get("port"));
        assertEquals(Optional.empty(), Settings.of(Map.of("port", "")).get("port"));
    }

    @Test
    void absentKeyIsEmpty() {
        assertEquals(Optional.empty(), Settings.of(Map.of("port", "1")).get("cache/dir"));
    }

    @Test
    void valuesAreTrimmed() {
        assertEquals(Optional.of("8081"), Settings.of(Map.of("port", " 8081\n")).get("port"));
    }

    @Test
    void propertiesWithoutTheModelcachePrefixAreIgnored() {
        Settings s = Settings.layered(map(), props("cache.dir", "/x", "other.modelcache.cache.dir", "/y"), map());
        assertEquals(Optional.empty(), s.get("cache/dir"));
    }

    @Test
    void providerNamesAreDiscoveredFromJndi() {
        Settings s = Settings.layered(map("providers/openai/baseUrl", "https://a", "providers/local/models", "x*",
                "providers", "ignored", "cache/dir", "/c"), props(), map());
        assertEquals(Set.of("openai", "local"), s.children("providers", LEAVES));
    }

    @Test
    void providerNamesAreDiscoveredFromSystemProperties() {
        Settings s = Settings.layered(map(), props("modelcache.providers.together.baseUrl", "https://t"), map());
        assertEquals(Set.of("together"), s.children("providers", LEAVES));
    }

    @Test
    void providerNamesAreDiscoveredFromEnvironmentAndLowerCased() {
        Settings s = Settings.layered(map(), props(), map(
                "MODELCACHE_PROVIDERS_GROQ_BASEURL", "https://api.groq.com/openai",
                "MODELCACHE_PROVIDERS_OLLAMA_MODELS", "llama*",
                "MODELCACHE_PROVIDERS_MY_LLM_APIKEY", "k",
                "MODELCACHE_PROVIDERS_VLLM_TYPE", "openai"));
        assertEquals(Set.of("groq", "ollama", "my_llm", "vllm"), s.children("providers", LEAVES));
    }

    @Test
    void environmentVariablesNotEndingInAProviderKeyNameNoProvider() {
        Settings s = Settings.layered(map(), props(), map(
                "MODELCACHE_PROVIDERS_GROQ_COLOUR", "blue",
                "MODELCACHE_PROVIDERS_BASEURL", "https://x",
                "MODELCACHE_CACHE_DIR", "/c",
                "PROVIDERS_GROQ_BASEURL", "https://x"));
        assertEquals(Set.of(), s.children("providers", LEAVES));
    }

    @Test
    void providerNamesFromAllLayersAreUnitedWithoutDuplicates() {
        Settings s = Settings.layered(map("providers/openai/baseUrl", "https://a"),
                props("modelcache.providers.openai.apiKey", "k", "modelcache.providers.local.baseUrl", "http://l"),
                map("MODELCACHE_PROVIDERS_OPENAI_MODELS", "gpt-*", "MODELCACHE_PROVIDERS_GROQ_BASEURL", "https://g"));
        assertEquals(Set.of("openai", "local", "groq"), s.children("providers", LEAVES));
    }
}
