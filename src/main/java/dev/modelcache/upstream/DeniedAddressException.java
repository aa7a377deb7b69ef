package dev.modelcache.upstream;

import java.net.UnknownHostException;

/**
 * A provider's host resolved to an address that {@code upstream/denyAddresses} forbids: no connection was made.
 * An {@link UnknownHostException}, so that HttpClient gives up on the route as it does for a name that does not
 * resolve; {@link UpstreamFailure} answers it as a 502 of its own.
 */
public final class DeniedAddressException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    DeniedAddressException(String host) {
        super("the host '" + host + "' resolves to an address in upstream/denyAddresses; nothing was sent");
    }
}
