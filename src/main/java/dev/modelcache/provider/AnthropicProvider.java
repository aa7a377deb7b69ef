package dev.modelcache.provider;

import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.tokens.TokenCounter;
import java.util.List;
import java.util.Map;

/**
 * Anthropic's Messages API ({@code type = anthropic}): {@code POST /v1/messages}, streamed and not, authenticated
 * with {@code x-api-key} or a bearer token; {@code anthropic-version} and {@code anthropic-beta} change the answer.
 * Token counting ({@code /v1/messages/count_tokens}), message batches and files are passed through uncached. Usage
 * comes from the response's {@code usage} block, or from {@code message_start} and {@code message_delta} in a stream;
 * {@code cache_control} blocks are part of the body, sent on and keyed as they are.
 */
final class AnthropicProvider extends TableEntry {
    /** The API version sent when the caller names none: the one Anthropic's documentation and SDKs send. */
    static final String DEFAULT_VERSION = "2023-06-01";
    static final String VERSION_HEADER = "anthropic-version";
    /** The paths only Anthropic serves. */
    static final String MESSAGES = "/v1/messages";
    /** Path prefixes whose requests are not answers to cache: counts, batches, files. */
    static final List<String> STATEFUL_PATHS = List.of("/v1/messages/count_tokens", "/v1/messages/batches",
            "/v1/files");

    AnthropicProvider(ProviderConfig config, TokenCounter tokens) {
        super(config, tokens);
    }

    /** {@code /v1/messages} and below. */
    @Override
    public boolean ownsPath(String path) {
        return Paths.under(path, MESSAGES);
    }

    /**
     * A request without a model on Anthropic's paths, or one that sends {@code anthropic-version} (every Anthropic
     * SDK does), such as the SDKs' {@code GET /v1/models}.
     */
    @Override
    public boolean servesWithoutModel(Exchange exchange) {
        return ownsPath(exchange.path()) || exchange.headers().first(VERSION_HEADER).isPresent();
    }

    @Override
    public boolean isStateful(String path) {
        return Paths.underAny(path, STATEFUL_PATHS);
    }

    /** The {@code x-api-key} the SDKs send, and the {@code Authorization} bearer token that OAuth callers send. */
    @Override
    public String credential(Headers requestHeaders) {
        String apiKey = requestHeaders.first("x-api-key").orElse("").trim();
        String bearer = requestHeaders.first("Authorization").orElse("").trim();
        if (apiKey.isEmpty()) {
            return bearer;
        }
        return "x-api-key:" + apiKey + (bearer.isEmpty() ? "" : "\n" + bearer);
    }

    /** The API version shapes the answer; beta flags switch features (and their output) on. */
    @Override
    public List<String> varyHeaders() {
        return List.of(VERSION_HEADER, "anthropic-beta");
    }

    @Override
    public List<Map.Entry<String, String>> defaultAuthentication() {
        return config.apiKey() == null ? List.of() : List.of(Map.entry("x-api-key", config.apiKey()));
    }

    /** Anthropic refuses a request without {@code anthropic-version}: {@value #DEFAULT_VERSION} when none was sent. */
    @Override
    public List<Map.Entry<String, String>> requiredHeaders(Headers requestHeaders) {
        return requestHeaders.first(VERSION_HEADER).isPresent() ? List.of()
                : List.of(Map.entry(VERSION_HEADER, DEFAULT_VERSION));
    }

    @Override
    public StreamDialect streamDialect() {
        return AnthropicStream.DIALECT;
    }

    @Override
    public ErrorShape errorShape() {
        return AnthropicErrorShape.SHAPE;
    }

}
