package dev.modelcache.upstream;

import dev.modelcache.http.Headers;
import java.util.Locale;

/**
 * The last filter on what goes upstream: the proxy's own admin token never leaves it, whichever header carries it
 * (a client that sends {@code Authorization: Bearer <admin token>} to a provider's path by mistake) and the
 * {@code X-Cache-Admin-Token} header never at all. Applied to every request the {@link UpstreamClient} sends, so no
 * path through the proxy can forget it.
 */
final class OutgoingHeaders {
    static final String ADMIN_TOKEN_HEADER = "x-cache-admin-token";

    private final String adminToken;

    /** {@code adminToken} may be null (no admin token configured). */
    OutgoingHeaders(String adminToken) {
        this.adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.strip();
    }

    Headers filter(Headers headers) {
        return Headers.of(headers.fields().stream()
                .filter(field -> !field.getKey().toLowerCase(Locale.ROOT).equals(ADMIN_TOKEN_HEADER))
                .filter(field -> adminToken == null || !field.getValue().contains(adminToken))
                .toList());
    }
}
