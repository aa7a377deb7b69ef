package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangesTest {
    private static boolean denies(String spec, String address) throws Exception {
        return AddressRanges.parse(spec).denies(InetAddress.getByName(address));
    }

    @Test
    void theDefaultDeniesMetadataAddressesAndAllowsLoopbackPrivateAndPublic() throws Exception {
        for (String metadata : new String[] {"169.254.169.254", "169.254.0.1", "fe80::1", "fd00:ec2::254",
                "::ffff:169.254.169.254", "::a9fe:a9fe", "64:ff9b::a9fe:a9fe"}) {
            assertTrue(denies(AddressRanges.DEFAULT, metadata), metadata);
        }
        for (String allowed : new String[] {"127.0.0.1", "::1", "10.1.2.3", "192.168.1.1", "8.8.8.8", "2001:db8::1",
                "fd00:ec2::253"}) {
            assertFalse(denies(AddressRanges.DEFAULT, allowed), allowed);
        }
    }

    @Test
    void privateAddsLoopbackAndPrivateRangesAndAnExceptionLetsOneBack() throws Exception {
        String spec = "metadata, private, !10.1.2.3";
        for (String denied : new String[] {"127.0.0.1", "::1", "10.9.9.9", "172.16.0.1", "172.31.255.255",
                "192.168.0.1", "100.64.0.1", "fc00::1", "fd12::1", "0.0.0.0", "169.254.169.254"}) {
            assertTrue(denies(spec, denied), denied);
        }
        for (String allowed : new String[] {"10.1.2.3", "172.32.0.1", "8.8.8.8", "2001:db8::1"}) {
            assertFalse(denies(spec, allowed), allowed);
        }
    }

    @Test
    void cidrSingleAddressesAndNone() throws Exception {
        assertTrue(denies("127.0.0.0/8", "127.3.4.5"));
        assertTrue(denies("203.0.113.7", "203.0.113.7"));
        assertFalse(denies("203.0.113.7", "203.0.113.8"));
        assertTrue(denies("2001:db8::/32", "2001:db8:1::1"));
        assertFalse(denies("none", "169.254.169.254"));
        assertTrue(AddressRanges.parse("none").isEmpty());
    }

    @Test
    void anUnreadableEntryIsRefusedWithoutALookup() {
        for (String spec : new String[] {"example.com", "10.0.0.0/33", "10.0.0.0/x", "fe80::/129", "localhost"}) {
            assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse(spec), spec);
        }
    }
}
