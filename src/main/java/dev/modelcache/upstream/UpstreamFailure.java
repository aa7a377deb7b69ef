package dev.modelcache.upstream;

import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.ProxyError;
import dev.modelcache.http.Redacted;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;

/**
 * Turns an I/O failure talking to a provider into the proxy's own answer: 504 when the provider was too slow
 * (connect or response timeout), 502 for everything else (refused, reset, unknown host, TLS). The message names
 * the provider and its base URL, never the request's query or headers, which may hold credentials.
 */
public final class UpstreamFailure {
    private UpstreamFailure() {
    }

    public static ProxyError of(IOException e, String provider, URI baseUrl) {
        String where = "provider '" + provider + "' at " + ProviderConfig.redacted(baseUrl);
        if (e instanceof DeniedAddressException) {
            return new ProxyError(502, "upstream_error", "upstream_address_denied",
                    "The " + where + " was not contacted: its address is in the proxy's upstream/denyAddresses.", e);
        }
        if (isTimeout(e)) {
            return new ProxyError(504, "upstream_error", "upstream_timeout",
                    "The " + where + " did not answer in time (" + describe(e) + ").", e);
        }
        return new ProxyError(502, "upstream_error", "upstream_unreachable",
                "The " + where + " could not be reached or broke off the connection (" + describe(e) + ").", e);
    }

    public static boolean isTimeout(IOException e) {
        // SocketTimeoutException and HttpClient's ConnectTimeoutException are both InterruptedIOExceptions.
        return e instanceof InterruptedIOException;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + Redacted.text(message));
    }
}
