package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.Headers;
import dev.modelcache.tokens.TokenCounter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest {
    private static OpenAiProvider provider(String baseUrl, String apiKey, String... globs) {
        return new OpenAiProvider(new ProviderConfig("groq", "openai", URI.create(baseUrl), List.of(globs), apiKey),
                new TokenCounter());
    }

    @Test
    void credentialIsTheAuthorizationHeaderOrAnApiKeyHeader() {
        OpenAiProvider p = provider("https://api.openai.com", null);
        assertEquals("Bearer sk-1", p.credential(Headers.of("Authorization", "Bearer sk-1")));
        assertEquals("Bearer sk-1", p.credential(Headers.of("authorization", "  Bearer sk-1 ")));
        assertEquals("", p.credential(Headers.EMPTY));
        assertEquals("", p.credential(Headers.of("Content-Type", "application/json")));
        // Azure OpenAI authenticates with api-key, some compatible hosts with x-api-key: both partition the cache.
        String azureA = p.credential(Headers.of("api-key", "azure-key-a"));
        String azureB = p.credential(Headers.of("api-key", "azure-key-b"));
        assertFalse(azureA.isEmpty());
        assertNotEquals(azureA, azureB);
        assertNotEquals(p.credential(Headers.of("X-Api-Key", "sk-1")), p.credential(Headers.of("X-Api-Key", "sk-2")));
    }

    @Test
    void defaultAuthenticationIsEmptyWithoutApiKey() {
        assertEquals(List.of(), provider("https://api.openai.com", null).defaultAuthentication());
    }

    @Test
    void defaultAuthenticationIsABearerHeaderWithApiKey() {
        assertEquals(List.of(Map.entry("Authorization", "Bearer gsk_123")),
                provider("https://api.groq.com/openai", "gsk_123").defaultAuthentication());
    }

    @Test
    void openAiBetaIsAVaryHeader() {
        assertTrue(provider("https://api.openai.com", null).varyHeaders().stream().anyMatch("OpenAI-Beta"::equalsIgnoreCase));
    }

    @Test
    void targetAppendsPathAndQueryToABaseUrlWithAPathPrefix() {
        OpenAiProvider p = provider("https://api.groq.com/openai", null);
        assertEquals(URI.create("https://api.groq.com/openai/v1/chat/completions"), p.target("/v1/chat/completions", null));
        assertEquals(URI.create("https://api.groq.com/openai/v1/models?limit=5&after=m%201"), p.target("/v1/models", "limit=5&after=m%201"));
    }

    @Test
    void targetOnABareHostAndPort() {
        OpenAiProvider p = provider("http://localhost:11434", null);
        assertEquals(URI.create("http://localhost:11434/v1/embeddings"), p.target("/v1/embeddings", null));
        assertEquals("localhost", p.target("/v1/embeddings", "").getHost());
        assertEquals(11434, p.target("/v1/embeddings", null).getPort());
    }

    @Test
    void claimsFollowsTheGlobs() {
        OpenAiProvider p = provider("https://api.groq.com/openai", null, "llama*");
        assertTrue(p.claims("LLAMA-3"));
        assertFalse(p.claims("gpt-4o"));
        assertFalse(p.claims(null));
    }

    @Test
    void toStringNamesTheProviderButNotItsKey() {
        String text = provider("https://api.groq.com/openai", "gsk_SECRET", "llama*").toString();
        assertTrue(text.contains("groq"), text);
        assertFalse(text.contains("gsk_SECRET"), text);
    }

    @Test
    void organizationAndProjectAreVaryHeaders() {
        List<String> vary = provider("https://api.openai.com", null).varyHeaders();
        assertTrue(vary.stream().anyMatch("OpenAI-Organization"::equalsIgnoreCase), vary.toString());
        assertTrue(vary.stream().anyMatch("OpenAI-Project"::equalsIgnoreCase), vary.toString());
    }

    @Test
    void aTargetThatDoesNotParseIsA400WithoutTheUrl() {
        OpenAiProvider p = provider("http://user:pw@127.0.0.1:9", null);
        dev.modelcache.http.ProxyError e = org.junit.jupiter.api.Assertions.assertThrows(dev.modelcache.http.ProxyError.class,
                () -> p.target("/v1/models", "key=SECRET123&a=%zz"));
        assertEquals(400, e.status());
        assertFalse(e.getMessage().contains("SECRET123"), e.getMessage());
        assertFalse(e.getMessage().contains("pw"), e.getMessage());
        assertFalse(e.getCause() != null && String.valueOf(e.getCause()).contains("SECRET123"));
    }
}
