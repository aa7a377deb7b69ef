package dev.modelcache.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.ProxyError;
import java.nio.charset.StandardCharsets;

/**
 * Ollama's error shape, {@code {"error":"message"}}, which its clients (the Go API client, ollama-python,
 * ollama-js) read as the error's text. The proxy's own {@code code} and any details follow as extra fields, which
 * those clients ignore and a person can still read ({@code cache_miss}, {@code model_not_found}).
 */
final class OllamaErrorShape implements ErrorShape {
    static final OllamaErrorShape SHAPE = new OllamaErrorShape();
    private static final ObjectMapper JSON = new ObjectMapper();

    private OllamaErrorShape() {
    }

    @Override
    public byte[] render(ProxyError error) {
        ObjectNode root = JSON.createObjectNode();
        root.put("error", error.getMessage());
        root.put("code", error.code());
        error.details().forEach(root::set);
        return (root.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
