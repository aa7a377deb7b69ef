package dev.modelcache.upstream;

import dev.modelcache.config.AddressRanges;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The destination policy at connect time: HttpClient resolves every provider host through this resolver when it
 * opens a connection, and a host with any address in {@code upstream/denyAddresses} is refused before a socket is
 * made ({@link DeniedAddressException}). Checking the addresses the connection will use, rather than the base URL
 * once at start, is what keeps DNS rebinding (a name that resolves to a public address at start and to
 * 169.254.169.254 later) out: every new connection resolves again and is checked again. A base URL with an IP literal
 * is checked by {@link #check(URI)} as well, in case the client connects to a literal without asking a resolver.
 * Behind an HTTP proxy from the JVM's system properties the resolver sees the proxy's host, not the provider's.
 */
final class AddressGuard implements DnsResolver {
    private static final Logger LOG = System.getLogger(AddressGuard.class.getName());

    private final AddressRanges denied;
    private final DnsResolver system;

    AddressGuard(AddressRanges denied, DnsResolver system) {
        this.denied = denied;
        this.system = system;
    }

    AddressGuard(AddressRanges denied) {
        this(denied, SystemDefaultDnsResolver.INSTANCE);
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = system.resolve(host);
        for (InetAddress address : addresses) {
            refuseDenied(host, address);
        }
        return addresses;
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (InetAddress address : resolve(host)) {
            endpoints.add(new InetSocketAddress(address, port));
        }
        return endpoints;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return system.resolveCanonicalHostname(host);
    }

    /** Refuses a target whose host is a denied IP literal (a name is checked when it is resolved). */
    void check(URI target) throws UnknownHostException {
        String host = target.getHost();
        if (host == null || denied.isEmpty()) {
            return;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.matches("[0-9.]+") || literal.contains(":")) {
            refuseDenied(host, InetAddress.getByName(literal));
        }
    }

    private void refuseDenied(String host, InetAddress address) throws DeniedAddressException {
        if (denied.denies(address)) {
            LOG.log(Level.WARNING, "refused to connect to '" + host + "' at " + address.getHostAddress()
                    + ": the address is in upstream/denyAddresses (" + denied + ")");
            throw new DeniedAddressException(host);
        }
    }
}
