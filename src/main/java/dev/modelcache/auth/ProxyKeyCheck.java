package dev.modelcache.auth;

import dev.modelcache.http.Exchange;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.http.RequestTarget;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Lets a request in when it presents a proxy key, in whichever header its SDK sends a provider's key:
 * {@code Authorization: Bearer <key>} (OpenAI), {@code x-api-key} (Anthropic), {@code x-goog-api-key} (Gemini) or
 * {@code api-key} (Azure OpenAI). Without proxy keys configured every request goes in unchanged. With them, a request
 * without a valid key is the 401 {@code invalid_proxy_key} (which repeats nothing of what was sent), and an admitted
 * one travels on as its caller's, with every credential header and Gemini's {@code key=} query parameter removed: the
 * provider then gets the proxy's own server-side key, and neither the proxy key nor a client's own provider key ever
 * leaves the proxy. A proxy key is taken from the headers only, never from {@code key=}: a URL's query ends up in
 * access logs and browser histories.
 */
public final class ProxyKeyCheck {
    /** The request header fields a proxy key may come in, and which are removed before the request goes upstream. */
    public static final List<String> KEY_HEADERS = HeaderPolicy.CREDENTIAL_HEADERS;
    /**
     * Query parameters that carry a provider key (Gemini's {@code key}, in any case and, the query being canonical,
     * any spelling), removed before the request goes upstream.
     */
    public static final List<String> KEY_PARAMETERS = List.of("key");
    private static final String BEARER = "bearer ";

    private final ProxyKeys keys;

    public ProxyKeyCheck(ProxyKeys keys) {
        this.keys = keys;
    }

    /** True when requests must present a proxy key. */
    public boolean required() {
        return keys.required();
    }

    /**
     * Refuses a request without a valid proxy key before anything of it (its body) is read; does nothing when proxy
     * keys are off.
     */
    public void require(HttpServletRequest request) {
        if (!keys.required()) {
            return;
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String name : KEY_HEADERS) {
            for (String value : Collections.list(request.getHeaders(name))) {
                fields.add(Map.entry(name, value));
            }
        }
        caller(Headers.of(fields));
    }

    /**
     * The exchange as the pipeline must see it: unchanged when proxy keys are off; else the caller's, without
     * credential headers and key parameters ({@link Exchange#authenticated}), or the 401 when it presents no valid
     * key.
     */
    public Exchange admit(Exchange exchange) {
        if (!keys.required()) {
            return exchange;
        }
        String caller = caller(exchange.headers());
        String query = exchange.query();
        for (String parameter : KEY_PARAMETERS) {
            query = RequestTarget.withoutParameter(query, parameter);
        }
        return exchange.authenticated(caller, exchange.headers().filter(name -> !isKeyHeader(name)), query);
    }

    /** The name of the first valid proxy key among the credential headers; else the 401. */
    String caller(Headers headers) {
        for (Map.Entry<String, String> field : headers.fields()) {
            if (isKeyHeader(field.getKey())) {
                Optional<String> name = presented(field.getKey(), field.getValue()).flatMap(keys::nameOf);
                if (name.isPresent()) {
                    return name.get();
                }
            }
        }
        throw unauthorized();
    }

    /** The key a header field carries: a bearer token's token, the whole value of the others. */
    private static Optional<String> presented(String name, String value) {
        String trimmed = value.trim();
        if (name.equalsIgnoreCase("Authorization")) {
            boolean bearer = trimmed.length() > BEARER.length()
                    && trimmed.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER);
            return bearer ? Optional.of(trimmed.substring(BEARER.length()).trim()) : Optional.empty();
        }
        return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed);
    }

    private static boolean isKeyHeader(String name) {
        return HeaderPolicy.credential(name);
    }

    /** The 401 for a missing or wrong proxy key; it never repeats what was sent. */
    static ProxyError unauthorized() {
        return new ProxyError(401, "invalid_request_error", "invalid_proxy_key",
                "This proxy needs one of its proxy keys, sent as Authorization: Bearer <key> (or in x-api-key,"
                        + " x-goog-api-key or api-key). None was sent, or the key sent is not one of them.")
                .withHeader("WWW-Authenticate", "Bearer realm=\"modelcache\"");
    }
}
