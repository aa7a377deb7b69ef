package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.ConfigException;
import dev.modelcache.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * On a laptop the launcher takes a provider's key from its conventional environment variable when none is
 * configured, only for the provider's own host, and then listens on loopback only. A fake environment map
 * stands in for the process's.
 */
class EnvKeysTest {
    static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-env-openai-1", "ANTHROPIC_API_KEY", "sk-ant-env-2",
            "GEMINI_API_KEY", "gem-env-3");

    static Map<String, String> table() {
        Map<String, String> values = new HashMap<>();
        values.put("providers/openai/type", "openai");
        values.put("providers/openai/baseUrl", "https://api.openai.com");
        values.put("providers/groq/type", "openai");
        values.put("providers/groq/baseUrl", "https://api.groq.com/openai");
        values.put("providers/claude/type", "anthropic");
        values.put("providers/claude/baseUrl", "https://api.anthropic.com");
        values.put("providers/google/type", "gemini");
        values.put("providers/google/baseUrl", "https://generativelanguage.googleapis.com");
        return values;
    }

    @Test
    void aProviderWithoutAKeyTakesItsConventionalVariableOnLoopback() {
        Settings layered = new EnvKeys(ENV, "127.0.0.1").apply(Settings.of(table()));
        assertEquals(Optional.of("sk-env-openai-1"), layered.get("providers/openai/apiKey"));
        assertEquals(Optional.of("sk-ant-env-2"), layered.get("providers/claude/apiKey"));
        assertEquals(Optional.of("gem-env-3"), layered.get("providers/google/apiKey"));
    }

    @Test
    void anOpenAiCompatibleHostNeverGetsOpenAisKey() {
        Settings layered = new EnvKeys(ENV, "127.0.0.1").apply(Settings.of(table()));
        assertEquals(Optional.empty(), layered.get("providers/groq/apiKey"));
        Map<String, String> local = table();
        local.put("providers/openai/baseUrl", "http://127.0.0.1:11434");
        assertEquals(Optional.empty(), new EnvKeys(ENV, "127.0.0.1").apply(Settings.of(local)).get("providers/openai/apiKey"));
    }

    @Test
    void aConfiguredKeyWinsOverTheEnvironment() {
        Map<String, String> values = table();
        values.put("providers/openai/apiKey", "sk-configured");
        assertEquals(Optional.of("sk-configured"),
                new EnvKeys(ENV, "127.0.0.1").apply(Settings.of(values)).get("providers/openai/apiKey"));
        Settings fromEnv = Settings.layered(values, new java.util.Properties(), Map.of("MODELCACHE_PROVIDERS_CLAUDE_APIKEY", "sk-ant-conf"));
        assertEquals(Optional.of("sk-ant-conf"), new EnvKeys(ENV, "127.0.0.1").apply(fromEnv).get("providers/claude/apiKey"));
    }

    @Test
    void aTypeWithoutAConventionAndAnEmptyVariableSupplyNothing() {
        Map<String, String> values = Map.of("providers/local/type", "ollama", "providers/local/baseUrl", "http://127.0.0.1:11434",
                "providers/openai/baseUrl", "https://api.openai.com");
        assertTrue(new EnvKeys(Map.of("OPENAI_API_KEY", " "), "127.0.0.1").supplied(Settings.of(values)).isEmpty());
        assertEquals(Map.of("providers/openai/apiKey", "sk-env-openai-1"),
                new EnvKeys(ENV, "127.0.0.1").supplied(Settings.of(values)), "type openai is the default type");
    }

    @Test
    void theSwitchTurnsItOff() {
        Map<String, String> values = table();
        values.put("launcher/envKeys", "false");
        Settings layered = new EnvKeys(ENV, "0.0.0.0").apply(Settings.of(values));
        assertEquals(Optional.empty(), layered.get("providers/openai/apiKey"));
        values.put("launcher/envKeys", "maybe");
        assertEquals("launcher/envKeys", assertThrows(ConfigException.class,
                () -> new EnvKeys(ENV, "127.0.0.1").apply(Settings.of(values))).key());
    }

    @Test
    void keysFromTheEnvironmentRefuseANonLoopbackHostNamingItAndNoValue() {
        for (String host : new String[] {"0.0.0.0", "192.168.1.20", "::"}) {
            ConfigException refused = assertThrows(ConfigException.class,
                    () -> new EnvKeys(ENV, host).apply(Settings.of(table())), host);
            assertEquals("host", refused.key());
            assertTrue(refused.getMessage().contains("OPENAI_API_KEY"), refused.getMessage());
            assertFalse(refused.getMessage().contains("sk-env-openai-1"), refused.getMessage());
        }
        for (String host : new String[] {"127.0.0.1", "localhost", "::1", "127.0.0.2"}) {
            new EnvKeys(ENV, host).apply(Settings.of(table()));
        }
        new EnvKeys(Map.of(), "0.0.0.0").apply(Settings.of(table())); // nothing taken: any host
    }
}
