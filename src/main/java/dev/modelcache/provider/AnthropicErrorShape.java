package dev.modelcache.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.ProxyError;
import java.nio.charset.StandardCharsets;

/**
 * Anthropic's error shape, {@code {"type":"error","error":{"type":"invalid_request_error","message":"..."}}}, with
 * the error type Anthropic uses for the status (400 {@code invalid_request_error}, 401 {@code authentication_error},
 * 403 {@code permission_error}, 404 {@code not_found_error}, 413 {@code request_too_large}, 429
 * {@code rate_limit_error}, 504 {@code timeout_error}, 529 {@code overloaded_error}, other 5xx {@code api_error}).
 * The proxy's own {@code code} and any details follow as extra fields of {@code error}, which Anthropic's SDKs
 * ignore and a person can still read ({@code cache_miss}, {@code model_not_found}).
 */
final class AnthropicErrorShape implements ErrorShape {
    static final AnthropicErrorShape SHAPE = new AnthropicErrorShape();
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnthropicErrorShape() {
    }

    @Override
    public byte[] render(ProxyError error) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "error");
        ObjectNode body = root.putObject("error");
        body.put("type", type(error.status()));
        body.put("message", error.getMessage());
        body.put("code", error.code());
        error.details().forEach(body::set);
        return (root.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
