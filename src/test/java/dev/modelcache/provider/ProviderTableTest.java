package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.Config;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.config.Settings;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.tokens.TokenCounter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderTableTest {
    private static final TokenCounter TOKENS = new TokenCounter();

    private static ModelProvider provider(String name, String... globs) {
        return ProviderTable.newProvider(new ProviderConfig(name, "openai", URI.create("https://" + name + ".example"),
                List.of(globs), null), TOKENS);
    }

    private static ProviderTable fromConfig(Map<String, String> values) {
        return ProviderTable.create(Config.from(Settings.of(values)), TOKENS);
    }

    @Test
    void modelGoesToTheProviderWhoseGlobClaimsIt() {
        ProviderTable table = fromConfig(Map.of(
                "providers/openai/baseUrl", "https://api.openai.com", "providers/openai/models", "gpt-*,o?-mini",
                "providers/groq/baseUrl", "https://api.groq.com/openai", "providers/groq/models", "llama*,mixtral-*"));
        assertEquals("openai", table.resolve("gpt-4o").name());
        assertEquals("openai", table.resolve("O3-MINI").name());
        assertEquals("groq", table.resolve("llama-3.1-8b-instant").name());
        assertEquals("groq", table.resolve("Mixtral-8x7b").name());
        assertEquals(URI.create("https://api.groq.com/openai"), table.resolve("llama3").baseUrl());
    }

    @Test
    void firstMatchingProviderInTableOrderWins() {
        ModelProvider a = provider("a", "gpt-*");
        ModelProvider b = provider("b", "*");
        assertEquals("a", new ProviderTable(List.of(a, b), "a").resolve("gpt-4o").name());
        assertEquals("b", new ProviderTable(List.of(a, b), "a").resolve("llama").name());
        assertEquals("b", new ProviderTable(List.of(b, a), "a").resolve("gpt-4o").name());
    }

    @Test
    void configuredTableIsInProviderNameOrder() {
        // The configuration layers are maps, so the table order is the providers' names in sort order.
        ProviderTable table = fromConfig(Map.of(
                "providers/openai/baseUrl", "https://api.openai.com", "providers/openai/models", "gpt-*",
                "providers/azure/baseUrl", "https://x.openai.azure.com", "providers/azure/models", "o1*"));
        assertEquals(List.of("azure", "openai"), table.providers().stream().map(ModelProvider::name).toList());
        assertEquals("azure", table.resolve("o1-mini").name());
    }

    @Test
    void missingOrBlankModelGoesToTheDefaultProvider() {
        ProviderTable table = new ProviderTable(List.of(provider("a", "gpt-*"), provider("b", "llama*")), "b");
        assertEquals("b", table.resolve((String) null).name());
        assertEquals("b", table.resolve("").name());
        assertEquals("b", table.resolve("   ").name());
        assertEquals("b", table.defaultProvider().name());
    }

    @Test
    void defaultProviderFromConfig() {
        ProviderTable table = fromConfig(Map.of("defaultProvider", "groq",
                "providers/openai/baseUrl", "https://api.openai.com", "providers/groq/baseUrl", "https://api.groq.com/openai"));
        assertEquals("groq", table.resolve((String) null).name());
    }

    @Test
    void unknownModelIsA400NamingTheModel() {
        ProviderTable table = new ProviderTable(List.of(provider("a", "gpt-*")), "a");
        ProxyError e = assertThrows(ProxyError.class, () -> table.resolve("claude-3-opus"));
        assertEquals(400, e.status());
        assertEquals("model_not_found", e.code());
        assertTrue(e.getMessage().contains("'claude-3-opus'"), e.getMessage());
        String body = new String(e.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"code\":\"model_not_found\""), body);
        assertTrue(body.contains("\"type\":\"invalid_request_error\""), body);
    }

    @Test
    void defaultProviderWithoutGlobsDoesNotClaimNamedModels() {
        ProviderTable table = fromConfig(Map.of("providers/openai/baseUrl", "https://api.openai.com"));
        assertEquals("openai", table.resolve((String) null).name());
        assertEquals(400, assertThrows(ProxyError.class, () -> table.resolve("gpt-4o")).status());
    }

    @Test
    void unknownDefaultProviderIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ProviderTable(List.of(provider("a", "*")), "b"));
    }

    @Test
    void unknownProviderTypeFailsAtStartupNamingTheKeyAndTheKnownTypes() {
        ConfigException e = assertThrows(ConfigException.class, () -> fromConfig(Map.of(
                "providers/openai/baseUrl", "https://api.openai.com", "providers/openai/type", "bedrock")));
        assertEquals("providers/openai/type", e.key());
        assertTrue(e.getMessage().contains("'bedrock'"), e.getMessage());
        assertTrue(e.getMessage().contains("openai"), e.getMessage());
    }

    @Test
    void everyKnownTypeBuildsAnAdapterOfThatRow() {
        for (String type : ProviderTypes.names()) {
            ModelProvider p = ProviderTypes.create(new ProviderConfig("x", type, URI.create("https://x.example"),
                    List.of("m-*"), null), TOKENS);
            assertEquals("x", p.name(), type);
            assertTrue(p.claims("m-1"), type);
        }
    }

    @Test
    void overlappingGlobsOfTwoEntriesFailAtStartupNamingBoth() {
        ConfigException e = assertThrows(ConfigException.class, () -> fromConfig(Map.of(
                "providers/openai/baseUrl", "https://api.openai.com", "providers/openai/models", "gpt-*,o1*",
                "providers/router/baseUrl", "https://openrouter.ai/api", "providers/router/models", "llama*,*-mini")));
        assertEquals("providers/openai/models", e.key());
        assertTrue(e.getMessage().contains("providers/router/models"), e.getMessage());
        assertTrue(e.getMessage().contains("'gpt-*'") && e.getMessage().contains("'*-mini'"), e.getMessage());
    }

    @Test
    void identicalGlobsInTwoEntriesDifferingInCaseFailAtStartup() {
        ConfigException e = assertThrows(ConfigException.class, () -> fromConfig(Map.of(
                "providers/a/baseUrl", "https://a.example", "providers/a/models", "Claude-*",
                "providers/b/baseUrl", "https://b.example", "providers/b/models", "claude-*",
                "defaultProvider", "a")));
        assertEquals("providers/a/models", e.key());
        assertTrue(e.getMessage().contains("providers/b/models"), e.getMessage());
    }

    @Test
    void disjointGlobsInTwoEntriesStart() {
        ProviderTable table = fromConfig(Map.of(
                "providers/openai/baseUrl", "https://api.openai.com", "providers/openai/models", "gpt-*,o?-mini",
                "providers/anthropic/type", "openai",
                "providers/anthropic/baseUrl", "https://api.anthropic.com", "providers/anthropic/models", "claude-*"));
        assertEquals("anthropic", table.resolve("claude-sonnet-4-5").name());
    }

    private static ProviderTable openAiAndAnthropic() {
        return fromConfig(Map.of(
                "providers/openai/baseUrl", "https://api.openai.com", "providers/openai/models", "gpt-*",
                "providers/anthropic/type", "anthropic",
                "providers/anthropic/baseUrl", "https://api.anthropic.com", "providers/anthropic/models", "claude-*"));
    }

    private static Exchange exchange(String method, String path, String body) {
        return new Exchange(method, path, null, Headers.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void requestGoesToTheProviderClaimingItsModelWhateverThePath() {
        ProviderTable table = openAiAndAnthropic();
        assertEquals("anthropic", table.resolve(exchange("POST", "/v1/messages", "{\"model\":\"claude-opus-4-1\"}")).name());
        assertEquals("openai", table.resolve(exchange("POST", "/v1/chat/completions", "{\"model\":\"gpt-4o\"}")).name());
    }

    @Test
    void requestWithoutAModelGoesToTheProviderOwningThePathElseTheDefault() {
        ProviderTable table = openAiAndAnthropic();
        assertEquals("anthropic", table.resolve(exchange("GET", "/v1/messages/batches/msgbatch_1", "")).name());
        assertEquals("openai", table.resolve(exchange("GET", "/v1/models", "")).name());
    }

    @Test
    void modelListingWithAnAnthropicVersionGoesToAnthropic() {
        ProviderTable table = openAiAndAnthropic();
        Exchange listing = new Exchange("GET", "/v1/models", null, Headers.of("anthropic-version", "2023-06-01",
                "x-api-key", "sk-ant-1"), new byte[0]);
        assertEquals("anthropic", table.resolve(listing).name());
    }

    @Test
    void unclaimedModelOnAnAnthropicPathIsA400InAnthropicsShape() {
        ProviderTable table = openAiAndAnthropic();
        ProxyError e = assertThrows(ProxyError.class, () -> table.resolve(exchange("POST", "/v1/messages", "{\"model\":\"mistral-large\"}")));
        assertEquals("model_not_found", e.code());
        String body = new String(e.body(table.errorShape("/v1/messages")), StandardCharsets.UTF_8);
        assertTrue(body.startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\""), body);
        assertTrue(new String(e.body(table.errorShape("/v1/chat/completions")), StandardCharsets.UTF_8)
                .startsWith("{\"error\":"));
    }
}
