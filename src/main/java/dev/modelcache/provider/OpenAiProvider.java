package dev.modelcache.provider;

import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.tokens.TokenCounter;
import java.util.List;
import java.util.Map;

/**
 * OpenAI and the hosts that speak its API (Groq, Together, OpenRouter, vLLM, Ollama's /v1 ...): bearer
 * authentication in {@code Authorization}, usage in OpenAI's shapes, tokens counted with the model's tiktoken encoding.
 */
final class OpenAiProvider extends TableEntry {
    /** Path prefixes whose requests create or change server-side state. */
    static final List<String> STATEFUL_PATHS = List.of("/v1/files", "/v1/uploads", "/v1/batches", "/v1/fine_tuning",
            "/v1/fine-tunes", "/v1/assistants", "/v1/threads", "/v1/vector_stores", "/v1/realtime", "/v1/containers",
            "/v1/organization", "/v1/evals", "/v1/conversations");

    OpenAiProvider(ProviderConfig config, TokenCounter tokens) {
        super(config, tokens);
    }

    /**
     * The bearer token, and also the {@code api-key} header Azure OpenAI uses and the {@code x-api-key} some
     * compatible hosts accept: whichever of them a caller sends keeps its entries apart from other callers'.
     */
    @Override
    public String credential(Headers requestHeaders) {
        StringBuilder credential = new StringBuilder(requestHeaders.first("Authorization").orElse("").trim());
        for (String name : List.of("api-key", "x-api-key")) {
            String value = requestHeaders.first(name).orElse("").trim();
            if (!value.isEmpty()) {
                credential.append('\n').append(name).append(':').append(value);
            }
        }
        return credential.toString();
    }

    /**
     * Beta flags change the API itself; the organisation and project choose whose models, fine-tunes, limits and
     * data-retention settings apply, so the same key may be answered differently under another one.
     */
    @Override
    public List<String> varyHeaders() {
        return List.of("OpenAI-Beta", "OpenAI-Organization", "OpenAI-Project");
    }

    @Override
    public List<Map.Entry<String, String>> defaultAuthentication() {
        return config.apiKey() == null ? List.of() : List.of(Map.entry("Authorization", "Bearer " + config.apiKey()));
    }

    /** Files, uploads, batches, fine-tuning, assistants, threads, vector stores, realtime sessions and the like. */
    @Override
    public boolean isStateful(String path) {
        return Paths.underAny(path, STATEFUL_PATHS);
    }

    @Override
    public StreamDialect streamDialect() {
        return OpenAiStream.DIALECT;
    }

}
