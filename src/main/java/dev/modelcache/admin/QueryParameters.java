package dev.modelcache.admin;

import dev.modelcache.http.ProxyError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An admin request whose parameters are those of its query string alone. Asked for a parameter, a servlet container
 * would read a {@code POST} body sent as {@code application/x-www-form-urlencoded} (curl's default for
 * {@code --data-binary}) as a form: it would consume a zip meant for {@code /_cache/import}, and log the body's bytes
 * when they do not decode. No admin endpoint takes a form, so the body is left alone for the endpoint to read.
 */
final class QueryParameters extends HttpServletRequestWrapper {
    private Map<String, String[]> parameters;

    QueryParameters(HttpServletRequest request) {
        super(request);
    }

    @Override
    public String getParameter(String name) {
        String[] values = getParameterMap().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = getParameterMap().get(name);
        return values == null ? null : values.clone();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(getParameterMap().keySet());
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        if (parameters == null) {
            parameters = Collections.unmodifiableMap(parse(getQueryString()));
        }
        return parameters;
    }

    /** The query's names and values, decoded as UTF-8 ({@code +} a space); a malformed escape is a 400. */
    static Map<String, String[]> parse(String query) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                found.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        found.forEach((name, values) -> parameters.put(name, values.toArray(String[]::new)));
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProxyError.badRequest("invalid_request", "The query string has a malformed %-escape.");
        }
    }
}
