package dev.modelcache.provider;

import dev.modelcache.http.ProxyError;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The upstream URI of a request, by the prefix rule: the base URL's path is a prefix, and the request's path follows
 * it. The base URL is read as a folder (a missing trailing slash is implied) and the request path, made relative,
 * is resolved against it (RFC 3986 section 5.2); the query is the request's own. So a base of
 * {@code https://h/openai} and a path {@code /v1/chat/completions} give {@code https://h/openai/v1/chat/completions},
 * and a base of {@code https://h} gives {@code https://h/v1/chat/completions}. Nothing is joined as text: a path
 * whose first segment holds a colon ({@code /models/x:generate}) cannot be read as a scheme. The result is
 * normalised and must keep the base URL's scheme, host and port ({@link #sameOrigin}) before anything connects.
 */
public final class UpstreamTarget {
    private UpstreamTarget() {
    }

    /**
     * The target for a normal client path (see {@link dev.modelcache.http.RequestTarget}) and raw query (or null).
     * A target that does not parse is a 400 whose message quotes neither the URL nor the query.
     */
    public static URI resolve(URI baseUrl, String path, String query, String providerName) {
        try {
            URI folder = folder(baseUrl);
            String relative = "." + (path.startsWith("/") ? path : "/" + path);
            URI resolved = folder.resolve(new URI(relative + (query == null ? "" : "?" + query)));
            URI normal = resolved.normalize();
            if (normal.getRawPath() == null || !normal.getRawPath().startsWith(folder.getRawPath())) {
                throw new URISyntaxException(relative, "climbs above the base path");
            }
            if (!sameOrigin(baseUrl, normal)) {
                throw new URISyntaxException(relative, "leaves the base URL's scheme, host or port");
            }
            return normal;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw ProxyError.badRequest("invalid_path", "The request path or query cannot be sent to the provider '"
                    + providerName + "'.");
        }
    }

    /**
     * True when {@code target} has the scheme, host and port of {@code base} (the port by scheme default when it is
     * not written), no user info and no fragment: the destination comes from the provider table alone, whatever the
     * request's path and query say.
     */
    static boolean sameOrigin(URI base, URI target) {
        return target.isAbsolute() && !target.isOpaque() && target.getRawUserInfo() == null
                && target.getRawFragment() == null
                && base.getScheme().equalsIgnoreCase(target.getScheme())
                && base.getHost() != null && base.getHost().equalsIgnoreCase(target.getHost())
                && port(base) == port(target);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The base URL with a path that ends in '/', so that resolution keeps its last segment. */
    static URI folder(URI baseUrl) throws URISyntaxException {
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        if (path.endsWith("/")) {
            return baseUrl;
        }
        return new URI(baseUrl.getScheme() + "://" + baseUrl.getRawAuthority() + path + "/");
    }
}
