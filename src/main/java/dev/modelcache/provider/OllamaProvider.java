package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.util.List;
import java.util.Map;

/**
 * Ollama's native API ({@code type = ollama}, usually {@code http://localhost:11434}): {@code /api/chat},
 * {@code /api/generate}, {@code /api/embed} and the legacy {@code /api/embeddings}, the model named in the body.
 * Its OpenAI-compatible {@code /v1} paths reach the same server for the same models, and are read as OpenAI's.
 * Chat and generate stream by default (unless the body says {@code "stream": false}), as newline-delimited JSON that
 * is recorded and replayed line by line ({@link OllamaStream}). Managing models ({@code pull}, {@code push},
 * {@code create}, {@code delete}, {@code copy}, blobs) and reading the local model store ({@code show}) pass through
 * uncached, as do the {@code GET} listings ({@code /api/tags}, {@code /api/ps}, {@code /api/version}). A local Ollama
 * takes no key; a bearer token (Ollama's cloud, or a reverse proxy in front of it) keeps its callers' entries apart.
 */
final class OllamaProvider extends TableEntry {
    /** The paths of Ollama's native API. */
    static final String API = "/api";
    /** Path prefixes whose requests change or read the local model store: never answered from the cache. */
    static final List<String> STATEFUL_PATHS = List.of("/api/pull", "/api/push", "/api/create", "/api/delete",
            "/api/copy", "/api/blobs", "/api/show");

    OllamaProvider(ProviderConfig config, TokenCounter tokens) {
        super(config, tokens);
    }

    /** {@code /api} and below: a request there without a model ({@code GET /api/tags}) comes here. */
    @Override
    public boolean ownsPath(String path) {
        return Paths.under(path, API);
    }

    @Override
    public boolean isStateful(String path) {
        return Paths.underAny(path, STATEFUL_PATHS);
    }

    @Override
    public StreamDialect streamDialect() {
        return OllamaStream.DIALECT;
    }

    @Override
    public ErrorShape errorShape() {
        return OllamaErrorShape.SHAPE;
    }

    /** The {@code Authorization} bearer token, when Ollama sits behind one; a local Ollama needs none. */
    @Override
    public String credential(Headers requestHeaders) {
        return requestHeaders.first("Authorization").orElse("").trim();
    }

    @Override
    public List<String> varyHeaders() {
        return List.of();
    }

    @Override
    public List<Map.Entry<String, String>> defaultAuthentication() {
        return config.apiKey() == null ? List.of() : List.of(Map.entry("Authorization", "Bearer " + config.apiKey()));
    }

    /** Ollama's own counts; an answer of the OpenAI-compatible {@code /v1} carries OpenAI's {@code usage}. */
    @Override
    public Usage usage(JsonNode request, JsonNode response) {
        return response != null && response.has("usage") ? tokens.countResponse(request, response)
                : OllamaUsage.of(response);
    }

    /** The counts of the {@code "done": true} line; a {@code /v1} stream, which has none, is read as OpenAI's. */
    @Override
    public Usage streamUsage(JsonNode request, List<String> dataPayloads) {
        Usage reported = OllamaUsage.ofStream(dataPayloads);
        return reported != null ? reported : tokens.countStream(request, dataPayloads);
    }

}
