package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.Headers;
import dev.modelcache.tokens.Usage;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One upstream LLM API: where it is, which models it serves, how a caller authenticates to it and how its tokens
 * are counted. Adding a provider is one implementation of this interface plus a {@code type} in the configuration
 * ({@link ProviderTable#create}).
 */
public interface ModelProvider {
    /** The name in the provider table, {@code providers/<name>/...}. */
    String name();

    /** Scheme, host, port and an optional path prefix, which the client's path follows (see {@link #target}). */
    URI baseUrl();

    /** True when this provider serves the model. */
    boolean claims(String model);

    /**
     * The caller's credential for this provider as sent (for OpenAI the {@code Authorization} bearer token), or an
     * empty string. Only ever used hashed, to keep different callers' cache entries apart.
     */
    String credential(Headers requestHeaders);

    /** Request header fields that change the answer (API version or beta flags), so they are part of the cache key. */
    List<String> varyHeaders();

    /** Header fields to add upstream when the caller sent no credential and the provider has a configured key. */
    List<Map.Entry<String, String>> defaultAuthentication();

    /** Token counts of a complete JSON exchange; {@code request} may be null. */
    Usage usage(JsonNode request, JsonNode response);

    /** Token counts of a complete streamed exchange, from each SSE event's data payload. */
    Usage streamUsage(JsonNode request, List<String> dataPayloads);

    /**
     * The upstream URI for a client path and raw query (as {@link dev.modelcache.http.Exchange} checked them), by the
     * prefix rule of {@link UpstreamTarget}: the base URL's path, then the request's path ({@code https://h/openai}
     * and {@code /v1/chat/completions} give {@code https://h/openai/v1/chat/completions}). A target that still does
     * not parse is a 400 whose message quotes neither the URL nor the query.
     */
    default URI target(String path, String query) {
        return UpstreamTarget.resolve(baseUrl(), path, query, name());
    }
}
