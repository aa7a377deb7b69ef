package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.ProxyError;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Google's error shape ({@code google.rpc.Status} as JSON), {@code {"error":{"code":400,"message":"...",
 * "status":"INVALID_ARGUMENT"}}}, with the canonical status name for the HTTP status (401 {@code UNAUTHENTICATED},
 * 403 {@code PERMISSION_DENIED}, 404 {@code NOT_FOUND}, 429 {@code RESOURCE_EXHAUSTED}, 502 and 503
 * {@code UNAVAILABLE}, 504 {@code DEADLINE_EXCEEDED} ...). The proxy's own code ({@code cache_miss},
 * {@code model_not_found}) and its details go in {@code details} as a {@code google.rpc.ErrorInfo} of domain
 * {@value #DOMAIN}, where Google puts the reason of its own errors.
 */
final class GeminiErrorShape implements ErrorShape {
    static final GeminiErrorShape SHAPE = new GeminiErrorShape();
    static final String DOMAIN = "modelcache";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeminiErrorShape() {
    }

    @Override
    public byte[] render(ProxyError error) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode body = root.putObject("error");
        body.put("code", error.status());
        body.put("message", error.getMessage());
        body.put("status", status(error.status()));
        ObjectNode info = body.putArray("details").addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", error.code());
        info.put("domain", DOMAIN);
        if (!error.details().isEmpty()) {
            ObjectNode metadata = info.putObject("metadata");
            for (Map.Entry<String, JsonNode> detail : error.details().entrySet()) {
                JsonNode value = detail.getValue();
                metadata.put(detail.getKey(), value.isTextual() ? value.asText() : value.toString());
            }
        }
        return (root.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical code name Google's APIs send with an HTTP status. */
    static String status(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 408, 504 -> "DEADLINE_EXCEEDED";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 501 -> "UNIMPLEMENTED";
            case 502, 503 -> "UNAVAILABLE";
            default -> status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
        };
    }
}
