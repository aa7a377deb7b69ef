package dev.modelcache.http;

import java.util.regex.Pattern;

/**
 * The namespace carried in the path: {@code /_ns/<namespace>/v1/chat/completions} is {@code /v1/chat/completions}
 * sent with {@code X-Cache-Namespace: <namespace>}. A client whose SDK takes a base URL but no header (the JUnit 5
 * extension hands each test class {@code http://127.0.0.1:P/_ns/<class>/v1}) gets its own namespace with nothing else
 * changed. The prefix is read from the normal path, before anything decides on the path, so the provider, the error
 * shape, the key and the upstream see the path without it.
 */
public record NamespacePath(String namespace, String path) {
    /** The prefix that names a namespace. */
    public static final String PREFIX = "/_ns/";
    /** The header the prefix stands for. */
    public static final String HEADER = "X-Cache-Namespace";
    /** The namespace rule of {@code X-Cache-Namespace} (cache.CachePolicy), which this layer cannot import. */
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * The namespace of a normal path's {@code /_ns/<namespace>} prefix (null without one) and the path after it
     * ({@code /} when nothing follows). 400 {@code invalid_cache_namespace} for a prefix that names no valid namespace.
     */
    public static NamespacePath of(String normalPath) {
        if (!normalPath.startsWith(PREFIX)) {
            return new NamespacePath(null, normalPath);
        }
        String rest = normalPath.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String namespace = slash < 0 ? rest : rest.substring(0, slash);
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw ProxyError.badRequest("invalid_cache_namespace", "The " + PREFIX + " prefix must name a namespace:"
                    + " 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        return new NamespacePath(namespace, slash < 0 ? "/" : rest.substring(slash));
    }

    /**
     * The path after a {@code /_ns/<name>} prefix, the path itself without one; never refuses (the error shape of a
     * request is chosen by it before {@link #of} may refuse the prefix, in that shape).
     */
    public static String withoutPrefix(String normalPath) {
        if (!normalPath.startsWith(PREFIX)) {
            return normalPath;
        }
        int slash = normalPath.indexOf('/', PREFIX.length());
        return slash < 0 ? "/" : normalPath.substring(slash);
    }

    /**
     * The request's header fields with this prefix's namespace as {@value #HEADER}: added when the request sent
     * none, kept when it sent the same, refused (400 {@code invalid_cache_namespace}) when it names another.
     */
    public Headers withNamespace(Headers headers) {
        if (namespace == null) {
            return headers;
        }
        boolean same = false;
        for (var field : headers.fields()) {
            if (field.getKey().equalsIgnoreCase(HEADER)) {
                if (!field.getValue().trim().equals(namespace)) {
                    throw ProxyError.badRequest("invalid_cache_namespace", "The " + HEADER + " header names another"
                            + " namespace than the path's " + PREFIX + " prefix; send one of them.");
                }
                same = true;
            }
        }
        if (same) {
            return headers;
        }
        var fields = new java.util.ArrayList<>(headers.fields());
        fields.add(java.util.Map.entry(HEADER, namespace));
        return Headers.of(fields);
    }
}
