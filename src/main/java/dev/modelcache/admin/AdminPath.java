package dev.modelcache.admin;

import dev.modelcache.http.RequestTarget;
import dev.modelcache.http.ProxyError;
import java.util.Locale;

/**
 * Which requests are the admin endpoints', decided on the path as it came and as it normalises. A request carries the
 * admin token on its way to {@code /_cache/...}; a mistyped one that were proxied would hand it to a provider. So only
 * the exact spelling {@code /_cache} (after normalising: {@code /_cache//stats} is {@code /_cache/stats}) is served as
 * admin, and any path with a segment that looks like it ({@code /_CACHE}, {@code /_cache.}, {@code /_cach%65},
 * {@code /_cachex}) in its raw or normal form is refused, so that {@code /_cache/../v1/models} (normal form
 * {@code /v1/models}) never goes upstream either. No provider has a path segment that starts with {@code _cache}.
 */
public final class AdminPath {
    /** What the servlet does with a path. */
    public enum Route {
        /** Served by {@link AdminEndpoints}. */
        ADMIN,
        /** A near spelling of the admin path: refused with {@link #lookalike()}, never proxied. */
        LOOKALIKE,
        /** Anything else: proxied. */
        PROXY
    }

    private static final String NAME = AdminEndpoints.PREFIX.substring(1);

    private AdminPath() {
    }

    /** The route of a request whose path below the context is {@code raw} and normalises to {@code normal}. */
    public static Route of(String raw, String normal) {
        if (normal.equals(AdminEndpoints.PREFIX) || normal.startsWith(AdminEndpoints.PREFIX + "/")) {
            return Route.ADMIN;
        }
        return looksAdmin(raw) || looksAdmin(normal) ? Route.LOOKALIKE : Route.PROXY;
    }

    /** The 404 for a near spelling of the admin path; it repeats nothing of the path. */
    public static ProxyError lookalike() {
        return new ProxyError(404, "invalid_request_error", "not_found", "No such path. The admin endpoints are under "
                + AdminEndpoints.PREFIX + "/, spelled exactly so (lower case, no dot segments around it).");
    }

    /**
     * True when a segment of {@code path}, wholly decoded and in lower case, starts with {@code _cache}. A path without
     * an escape is its own decoding, and one that does not hold {@code _cache} in any case has no such segment: every
     * proxied request is such a path, so it is answered with one scan, without decoding or splitting anything.
     */
    static boolean looksAdmin(String path) {
        if (path.indexOf('%') < 0 && !holdsName(path)) {
            return false;
        }
        String loose = decoded(path).toLowerCase(Locale.ROOT);
        int start = 0;
        for (int i = 0; i <= loose.length(); i++) {
            if (i == loose.length() || loose.charAt(i) == '/' || loose.charAt(i) == '\\') {
                if (loose.substring(start, i).strip().startsWith(NAME)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** Whether {@code _cache} occurs in {@code path} in any case (only ASCII letters lower-case to its letters). */
    private static boolean holdsName(String path) {
        for (int i = path.indexOf('_'); i >= 0 && i + NAME.length() <= path.length(); i = path.indexOf('_', i + 1)) {
            if (path.regionMatches(true, i, NAME, 0, NAME.length())) {
                return true;
            }
        }
        return false;
    }

    /** Every percent-escape decoded, twice over, so that {@code %255F} counts as {@code _} too. */
    private static String decoded(String path) {
        return RequestTarget.percentDecoded(RequestTarget.percentDecoded(path));
    }
}
