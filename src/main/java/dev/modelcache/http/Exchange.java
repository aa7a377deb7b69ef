package dev.modelcache.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client request, read once: method, path below the context ({@linkplain RequestTarget#normalPath normalised},
 * without a {@linkplain NamespacePath /_ns/ prefix}, which becomes the {@code X-Cache-Namespace} header),
 * query (in {@linkplain RequestTarget#canonicalQuery canonical form}), headers and the whole body (bounded by
 * {@code maxBodyBytes}). All per-request state lives here, never in servlet fields. A JSON body is parsed once, on first use, with
 * {@link JsonParsers#REQUEST}.
 */
public final class Exchange {
    /**
     * The request attribute under which a body that was already read (without blocking, by the servlet) is handed
     * to {@link #read}; a {@code byte[]}.
     */
    public static final String BODY_ATTRIBUTE = Exchange.class.getName() + ".body";

    private final String method;
    private final String path;
    private final String query;
    private final Headers headers;
    private final byte[] body;
    private final String caller;
    private JsonNode json;
    private boolean parsed;
    private ProxyError invalidJson;

    /** Fails with 400 ({@code invalid_path}, {@code invalid_query}) when the path or query is not well formed. */
    public Exchange(String method, String path, String query, Headers headers, byte[] body) {
        this(method, path, query, headers, body, null);
    }

    private Exchange(String method, String path, String query, Headers headers, byte[] body, String caller) {
        this.method = method.toUpperCase(Locale.ROOT);
        this.path = RequestTarget.normalPath(path);
        this.query = RequestTarget.canonicalQuery(query);
        this.headers = headers;
        this.body = body;
        this.caller = caller;
    }

    /**
     * The same request from an authenticated {@code caller} (a proxy key's name), with {@code headers} and
     * {@code query} in place of the client's: those without the proxy key or the client's own provider key, which
     * must never travel on.
     */
    public Exchange authenticated(String caller, Headers headers, String query) {
        return new Exchange(method, path, query, headers, body, caller);
    }

    /**
     * The name of the proxy key the request presented, or null when proxy keys are off. When set, it (not the
     * credential) decides the cache partition.
     */
    public String caller() {
        return caller;
    }

    /**
     * Reads the servlet request; a body over {@code maxBodyBytes} is refused with 413 before it is all read. A body
     * already read into {@link #BODY_ATTRIBUTE} is taken from there.
     */
    public static Exchange read(HttpServletRequest request, int maxBodyBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge(maxBodyBytes);
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                fields.add(Map.entry(name, values.nextElement()));
            }
        }
        String uri = request.getRequestURI();
        // A /_ns/<namespace>/ prefix is the X-Cache-Namespace header (NamespacePath).
        NamespacePath target = NamespacePath.of(RequestTarget.normalPath(
                uri.substring(Math.min(uri.length(), request.getContextPath().length()))));
        return new Exchange(request.getMethod(), target.path(), request.getQueryString(),
                target.withNamespace(Headers.of(fields)), readBody(request, maxBodyBytes));
    }

    private static byte[] readBody(HttpServletRequest request, int maxBodyBytes) throws IOException {
        if (request.getAttribute(BODY_ATTRIBUTE) instanceof byte[] read) {
            return read;
        }
        return readBody(request.getInputStream(), maxBodyBytes);
    }

    private static byte[] readBody(InputStream in, int maxBodyBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (out.size() + n > maxBodyBytes) {
                throw tooLarge(maxBodyBytes);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The 413 for a body over {@code maxBodyBytes}. */
    public static ProxyError tooLarge(int maxBodyBytes) {
        return new ProxyError(413, "invalid_request_error", "request_too_large",
                "The request body is larger than this proxy accepts (" + maxBodyBytes
                        + " bytes; raise modelcache maxBodyBytes to allow more).");
    }

    public String method() {
        return method;
    }

    /**
     * The path below the web application's context path in normal form (see {@link RequestTarget#normalPath}), for
     * example {@code /v1/chat/completions}: what the policy, the key and the provider see.
     */
    public String path() {
        return path;
    }

    /**
     * The query string without {@code ?} in its canonical form ({@link RequestTarget#canonicalQuery}: well formed,
     * one spelling per name), or null: what the key, the record, the credential check and the provider see.
     */
    public String query() {
        return query;
    }

    public Headers headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    /** True when the body is declared JSON, or undeclared and parses as JSON. */
    public boolean hasJsonBody() {
        return json() != null;
    }

    /** The body as a JSON tree, or null when it is empty or not JSON. */
    public JsonNode json() {
        if (invalidJson != null) {
            throw invalidJson;
        }
        if (!parsed) {
            parsed = true;
            String type = headers.first("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            boolean maybeJson = type.isEmpty() || type.contains("json");
            if (body.length > 0 && maybeJson) {
                try {
                    json = JsonParsers.REQUEST.readTree(body);
                } catch (JsonProcessingException | NumberFormatException e) {
                    if (type.contains("json")) {
                        invalidJson = ProxyError.badRequest("invalid_json", "The request body is not valid JSON: " + reason(e));
                        throw invalidJson;
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return json;
    }

    private static String reason(Exception e) {
        return e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : "a number out of range";
    }

    /** The {@code model} named in a JSON body, or null. Multipart bodies (audio uploads) are not searched. */
    public String model() {
        JsonNode root = json();
        JsonNode model = root == null ? null : root.get("model");
        return model != null && model.isTextual() && !model.asText().isBlank() ? model.asText() : null;
    }

    /** True when the JSON body asks for a streamed answer ({@code "stream": true}). */
    public boolean wantsStream() {
        JsonNode root = json();
        return root != null && root.path("stream").asBoolean(false);
    }
}
