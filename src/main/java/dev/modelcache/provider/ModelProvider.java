package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.cache.ProviderFacts;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.tokens.Usage;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One upstream LLM API, the adapter that holds all the proxy knows of it: which models and paths it serves (routing),
 * where its requests go ({@link #target}, by the prefix rule: the base URL's path, then the request's path), how a
 * caller authenticates to it and which request headers change its answers (the cache key), which of its paths change
 * server-side state (never cached), how its event streams end and fail ({@link StreamDialect}), how its tokens are
 * counted, and how the proxy's own errors are written on its paths ({@link ErrorShape}). Adding a provider type is one
 * implementation of this interface plus one line in {@link ProviderTypes}. The part the cache reads is
 * {@link ProviderFacts}.
 */
public interface ModelProvider extends ProviderFacts {
    /** The name in the provider table, {@code providers/<name>/...}. */
    @Override
    String name();

    /** Scheme, host, port and an optional path prefix, which the client's path follows (see {@link #target}). */
    URI baseUrl();

    /** True when this provider serves the model. */
    boolean claims(String model);

    /** The model a request asks for, or null: the body's {@code model} (an API that names it in the path overrides this). */
    @Override
    default String model(Exchange exchange) {
        return exchange.model();
    }

    /**
     * True for a path that belongs to this API alone ({@code /v1/messages} is Anthropic's): a request on it without a
     * model comes here rather than to the default provider, and the proxy's errors on it are in {@link #errorShape}.
     */
    default boolean ownsPath(String path) {
        return false;
    }

    /**
     * True when a request that names no model is this API's: by default one on a path it {@linkplain #ownsPath owns}
     * (an API whose clients always send a telling header, like Anthropic's {@code anthropic-version}, may say so).
     */
    default boolean servesWithoutModel(Exchange exchange) {
        return ownsPath(exchange.path());
    }

    /**
     * True for a path whose requests create or change server-side state (files, batches, jobs ...): they are passed
     * through, never cached, as answering a second upload from the cache would create nothing.
     */
    @Override
    default boolean isStateful(String path) {
        return false;
    }

    /** How this API's event streams end and fail. */
    StreamDialect streamDialect();

    /** How the proxy's own errors are written on this provider's paths; OpenAI's shape unless the API has its own. */
    default ErrorShape errorShape() {
        return ErrorShape.OPENAI;
    }

    /**
     * The error shape on one of this provider's paths: {@link #errorShape()}, unless the API speaks another dialect
     * under a prefix of its own (Gemini's OpenAI-compatible {@code /v1beta/openai}).
     */
    default ErrorShape errorShape(String path) {
        return errorShape();
    }

    /**
     * The caller's credential for this provider as sent (for OpenAI the {@code Authorization} bearer token), or an
     * empty string. Only ever used hashed, to keep different callers' cache entries apart.
     */
    String credential(Headers requestHeaders);

    /**
     * The caller's credential for a whole request: {@link #credential(Headers)} unless the API also takes one
     * elsewhere (Gemini's {@code key=} query parameter). This is what keeps callers apart and decides whether the
     * configured key is sent.
     */
    @Override
    default String credential(Exchange exchange) {
        return credential(exchange.headers());
    }

    /** Request header fields that change the answer (API version or beta flags), so they are part of the cache key. */
    @Override
    List<String> varyHeaders();

    /** Header fields to add upstream when the caller sent no credential and the provider has a configured key. */
    List<Map.Entry<String, String>> defaultAuthentication();

    /** Header fields the API requires that the caller left out (Anthropic's {@code anthropic-version}), to add upstream. */
    default List<Map.Entry<String, String>> requiredHeaders(Headers requestHeaders) {
        return List.of();
    }

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
