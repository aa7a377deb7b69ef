package dev.modelcache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelcache.config.AddressRanges;
import dev.modelcache.config.UpstreamConfig;
import dev.modelcache.http.Headers;
import dev.modelcache.support.FakeUpstream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.Test;

/** The deny list holds at connect time, for every connection: a name that changes its address is checked again. */
class AddressGuardTest {
    /** A resolver for one made-up name whose address a test changes, as a rebinding DNS server would. */
    static final class Rebinding implements DnsResolver {
        final AtomicReference<String> address = new AtomicReference<>("127.0.0.1");

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            if (host.equals("rebind.test")) {
                return new InetAddress[] {InetAddress.getByName(address.get())};
            }
            return SystemDefaultDnsResolver.INSTANCE.resolve(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return host;
        }
    }

    private static UpstreamClient client(String deny, DnsResolver resolver) {
        UpstreamConfig config = new UpstreamConfig(Duration.ofSeconds(2), Duration.ofSeconds(5), 4,
                AddressRanges.parse(deny));
        return new UpstreamClient(config, null, new AddressGuard(config.denyAddresses(), resolver));
    }

    @Test
    void aNameThatRebindsToADeniedAddressIsRefusedAtConnect() throws Exception {
        Rebinding dns = new Rebinding();
        try (FakeUpstream upstream = FakeUpstream.start(); UpstreamClient client = client("127.0.0.2/32,metadata", dns)) {
            URI target = URI.create("http://rebind.test:" + URI.create(upstream.baseUrl()).getPort() + "/v1/models");
            try (UpstreamResponse first = client.send("GET", target, Headers.EMPTY, new byte[0])) {
                assertEquals(200, first.status());
            }
            dns.address.set("127.0.0.2"); // the same name, now a denied address (in real life 169.254.169.254)
            assertThrows(DeniedAddressException.class, () -> client.send("GET", target, Headers.EMPTY, new byte[0]));
            dns.address.set("169.254.169.254");
            assertThrows(DeniedAddressException.class, () -> client.send("GET", target, Headers.EMPTY, new byte[0]));
            assertEquals(1, upstream.calls());
        }
    }

    @Test
    void anIpLiteralIsCheckedToo() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); UpstreamClient client = client("127.0.0.0/8", new Rebinding())) {
            URI target = URI.create(upstream.baseUrl() + "/v1/models");
            assertThrows(DeniedAddressException.class, () -> client.send("GET", target, Headers.EMPTY, new byte[0]));
            URI six = URI.create("http://[::ffff:127.0.0.1]:" + target.getPort() + "/v1/models");
            assertThrows(DeniedAddressException.class, () -> client.send("GET", six, Headers.EMPTY, new byte[0]));
            assertEquals(0, upstream.calls());
        }
    }
}
