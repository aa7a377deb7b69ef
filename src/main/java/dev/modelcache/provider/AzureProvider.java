package dev.modelcache.provider;

import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.tokens.TokenCounter;
import java.util.List;
import java.util.Map;

/**
 * Azure OpenAI ({@code type = azure}, a base URL such as {@code https://<resource>.openai.azure.com}): OpenAI's API
 * under {@code /openai/deployments/{deployment}/...?api-version=...} ({@code chat/completions}, {@code completions},
 * {@code embeddings}, ...), routed by the deployment named in the path, which the entry's {@code models} globs
 * match; under the newer {@code /openai/v1/...} the body's {@code model} names the deployment. The
 * {@code api-version} query parameter is part of the key like the rest of the query. Callers authenticate with
 * {@code api-key} or a Microsoft Entra ID bearer token; the configured key goes upstream as {@code api-key}. Streams,
 * token counts and error bodies are OpenAI's; files, batches, fine-tuning, assistants and the like pass through.
 */
final class AzureProvider extends TableEntry {
    /** Everything Azure OpenAI serves is below this path. */
    static final String API = "/openai";
    static final String DEPLOYMENTS = "/openai/deployments/";
    static final String API_KEY = "api-key";
    /** OpenAI's stateful paths as Azure serves them: below {@code /openai} and below {@code /openai/v1}. */
    static final List<String> STATEFUL_PATHS = OpenAiProvider.STATEFUL_PATHS.stream()
            .flatMap(path -> List.of(API + path.substring("/v1".length()), API + path).stream()).toList();

    AzureProvider(ProviderConfig config, TokenCounter tokens) {
        super(config, tokens);
    }

    /** The deployment named in the path; under {@code /openai/v1/...}, the body's {@code model}. */
    @Override
    public String model(Exchange exchange) {
        String deployment = deployment(exchange.path());
        return deployment != null ? deployment : Paths.under(exchange.path(), API) ? exchange.model() : null;
    }

    /** The segment after {@code /openai/deployments/}, or null when the path names no deployment. */
    static String deployment(String path) {
        if (!path.startsWith(DEPLOYMENTS)) {
            return null;
        }
        String rest = path.substring(DEPLOYMENTS.length());
        int slash = rest.indexOf('/');
        String segment = slash < 0 ? rest : rest.substring(0, slash);
        return segment.isEmpty() ? null : segment;
    }

    @Override
    public boolean ownsPath(String path) {
        return Paths.under(path, API);
    }

    @Override
    public boolean isStateful(String path) {
        return Paths.underAny(path, STATEFUL_PATHS);
    }

    /** The {@code api-key} header, and the {@code Authorization} bearer token Entra ID callers send. */
    @Override
    public String credential(Headers requestHeaders) {
        String apiKey = requestHeaders.first(API_KEY).orElse("").trim();
        String bearer = requestHeaders.first("Authorization").orElse("").trim();
        if (apiKey.isEmpty()) {
            return bearer;
        }
        return API_KEY + ":" + apiKey + (bearer.isEmpty() ? "" : "\n" + bearer);
    }

    @Override
    public List<String> varyHeaders() {
        return List.of();
    }

    @Override
    public List<Map.Entry<String, String>> defaultAuthentication() {
        return config.apiKey() == null ? List.of() : List.of(Map.entry(API_KEY, config.apiKey()));
    }

    @Override
    public StreamDialect streamDialect() {
        return OpenAiStream.DIALECT;
    }

    @Override
    public String toString() {
        return "azure provider '" + name() + "' at " + ProviderConfig.redacted(baseUrl()) + " for deployments " + models;
    }
}
