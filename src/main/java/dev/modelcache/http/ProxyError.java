package dev.modelcache.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the proxy itself answers with: a status, a type, a code and a message, plus optional header fields and
 * details. {@link #body()} writes it in the OpenAI error shape
 * {@code {"error":{"message":"...","type":"...","param":null,"code":"..."}}}; {@link #body(ErrorShape)} in the shape
 * of the provider whose path the request used, so that SDKs surface it as they would that provider's. Messages never
 * carry credentials.
 */
public final class ProxyError extends RuntimeException {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String type;
    private final String code;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, JsonNode> details = new LinkedHashMap<>();

    public ProxyError(int status, String type, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public ProxyError(int status, String type, String code, String message, Throwable cause) {
        this(status, type, code, message);
        initCause(cause);
    }

    public static ProxyError badRequest(String code, String message) {
        return new ProxyError(400, "invalid_request_error", code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The error's type in OpenAI's vocabulary ({@code invalid_request_error}, {@code upstream_error} ...). */
    public String type() {
        return type;
    }

    /** The extra fields added with {@link #withDetail}, in order. */
    public Map<String, JsonNode> details() {
        return Collections.unmodifiableMap(details);
    }

    /** Adds a response header field to send with this error (after the response was reset). */
    public ProxyError withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds a field to the {@code error} object beside message, type, param and code. */
    public ProxyError withDetail(String name, JsonNode value) {
        details.put(name, value);
        return this;
    }

    /** The header fields to send with this error. */
    public Map<String, String> headers() {
        return Collections.unmodifiableMap(headers);
    }

    /** The body in {@code shape}. */
    public byte[] body(ErrorShape shape) {
        return shape.render(this);
    }

    /** The body in OpenAI's shape, {@link ErrorShape#OPENAI}. */
    public byte[] body() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.putNull("param");
        error.put("code", code);
        details.forEach(error::set);
        return (root.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
