package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.util.List;
import java.util.Map;

/**
 * Google's Gemini API ({@code type = gemini}), natively and through its OpenAI-compatible endpoint.
 * <ul>
 *   <li>Native: {@code POST /v1beta/models/{model}:generateContent}, {@code :streamGenerateContent} (with
 *       {@code alt=sse} an event stream; without it one JSON array, stored like any JSON answer when it arrived
 *       whole), {@code :embedContent}, {@code :batchEmbedContents} and {@code :countTokens}, all cached (each is a
 *       function of its request), and the same under {@code /v1}. The model comes from the path. Files, cached
 *       contents, tuned models, batches and long-running operations pass through; so does every {@code GET}
 *       (the model listing too: the cache policy caches only {@code /v1/models} listings).</li>
 *   <li>OpenAI-compatible: everything under {@code /v1beta/openai} goes on as it is (base URL, then the path), the
 *       model from the body; its streams, usage and the proxy's errors there are OpenAI's.</li>
 *   <li>Credential: {@code x-goog-api-key}, a {@code key=} query parameter or a bearer token ({@link GeminiCredential});
 *       {@code key=} (in any spelling, read as one name: see {@link dev.modelcache.http.RequestTarget#canonicalQuery})
 *       is sent upstream under its plain name, and the record keeps it blanked; with proxy keys it is removed
 *       instead, like every credential header. A configured key goes upstream as {@code x-goog-api-key}, which Google
 *       accepts on both endpoints.</li>
 * </ul>
 */
final class GeminiProvider extends TableEntry {

    GeminiProvider(ProviderConfig config, TokenCounter tokens) {
        super(config, tokens);
    }

    /** The model in a native path; on other paths the body's {@code model}, without Google's {@code models/}. */
    @Override
    public String model(Exchange exchange) {
        String fromPath = GeminiPaths.model(exchange.path());
        if (fromPath != null) {
            return fromPath;
        }
        String fromBody = exchange.model();
        return fromBody != null && fromBody.startsWith("models/") ? fromBody.substring("models/".length()) : fromBody;
    }

    /** {@code /v1beta} (the OpenAI-compatible endpoint included), {@code /upload}, and model methods under {@code /v1}. */
    @Override
    public boolean ownsPath(String path) {
        return GeminiPaths.owned(path);
    }

    @Override
    public boolean isStateful(String path) {
        return GeminiPaths.stateful(path);
    }

    @Override
    public StreamDialect streamDialect() {
        return GeminiStream.DIALECT;
    }

    @Override
    public ErrorShape errorShape() {
        return GeminiErrorShape.SHAPE;
    }

    /** OpenAI's shape on the OpenAI-compatible endpoint, Google's elsewhere. */
    @Override
    public ErrorShape errorShape(String path) {
        return GeminiPaths.openAiCompatible(path) ? ErrorShape.OPENAI : GeminiErrorShape.SHAPE;
    }

    @Override
    public String credential(Headers requestHeaders) {
        return GeminiCredential.of(requestHeaders, null);
    }

    /** The header, the {@code key=} query parameter and a bearer token, as {@link GeminiCredential} reads them. */
    @Override
    public String credential(Exchange exchange) {
        return GeminiCredential.of(exchange.headers(), exchange.query());
    }

    /** Nothing but the path and body changes a Gemini answer: the API version is in the path. */
    @Override
    public List<String> varyHeaders() {
        return List.of();
    }

    @Override
    public List<Map.Entry<String, String>> defaultAuthentication() {
        return config.apiKey() == null ? List.of() : List.of(Map.entry(GeminiCredential.HEADER, config.apiKey()));
    }

    /** From {@code usageMetadata} ({@link GeminiUsage}); an OpenAI-shaped answer is counted as OpenAI's. */
    @Override
    public Usage usage(JsonNode request, JsonNode response) {
        return GeminiUsage.isNative(response) ? GeminiUsage.of(response) : tokens.countResponse(request, response);
    }

    @Override
    public Usage streamUsage(JsonNode request, List<String> dataPayloads) {
        return GeminiUsage.isNativeStream(dataPayloads) ? GeminiUsage.ofStream(dataPayloads)
                : tokens.countStream(request, dataPayloads);
    }

}
