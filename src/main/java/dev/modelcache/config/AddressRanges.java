package dev.modelcache.config;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The addresses the proxy must never connect to ({@code upstream/denyAddresses}): a comma list of CIDR ranges
 * ({@code 169.254.0.0/16}, {@code fe80::/10}) or single addresses, the words {@value #METADATA} (link-local and cloud
 * metadata addresses, the default) and {@value #PRIVATE} (loopback, private, carrier-grade NAT and unique-local
 * ranges), and exceptions written {@code !range}, which stay allowed whatever else denies them; {@value #NONE}
 * denies nothing. Loopback and private ranges are allowed by default because a local Ollama and every test fake live
 * there; an operator whose providers are all on the internet adds {@value #PRIVATE}. An IPv6 address that carries an
 * IPv4 one (IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}) is judged by the IPv4 address too.
 */
public final class AddressRanges {
    public static final String METADATA = "metadata";
    public static final String PRIVATE = "private";
    public static final String NONE = "none";
    /** Link-local (where every cloud's metadata service lives, 169.254.169.254) and AWS's IPv6 metadata address. */
    static final List<String> METADATA_RANGES = List.of("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128");
    static final List<String> PRIVATE_RANGES = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
            "172.16.0.0/12", "192.168.0.0/16", "::/128", "::1/128", "fc00::/7");
    public static final String DEFAULT = METADATA;
    private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final BigInteger NAT64 = new BigInteger("0064ff9b" + "0".repeat(24), 16);

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Range> denied;
    private final List<Range> allowed;
    private final String spec;

    private AddressRanges(List<Range> denied, List<Range> allowed, String spec) {
        this.denied = denied;
        this.allowed = allowed;
        this.spec = spec;
    }

    /** The ranges of a setting's value; an unreadable entry is an {@link IllegalArgumentException} naming it. */
    public static AddressRanges parse(String spec) {
        List<Range> denied = new ArrayList<>();
        List<Range> allowed = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            boolean allow = entry.startsWith("!");
            String range = allow ? entry.substring(1).strip() : entry;
            List<String> ranges = switch (range) {
                case METADATA -> METADATA_RANGES;
                case PRIVATE -> PRIVATE_RANGES;
                case NONE, "" -> List.of();
                default -> List.of(range);
            };
            for (String one : ranges) {
                (allow ? allowed : denied).add(range(one));
            }
        }
        return new AddressRanges(List.copyOf(denied), List.copyOf(allowed), spec.strip());
    }

    /** True when {@code address} (or the IPv4 address it embeds) is denied and no exception allows it. */
    public boolean denies(InetAddress address) {
        byte[] bytes = address.getAddress();
        byte[] embedded = embeddedIpv4(address);
        return (matches(denied, bytes) && !matches(allowed, bytes))
                || (embedded != null && matches(denied, embedded) && !matches(allowed, embedded));
    }

    /** True when nothing is denied. */
    public boolean isEmpty() {
        return denied.isEmpty();
    }

    @Override
    public String toString() {
        return spec;
    }

    private static boolean matches(List<Range> ranges, byte[] address) {
        return ranges.stream().anyMatch(range -> range.contains(address));
    }

    private static byte[] embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address six)) {
            return null;
        }
        byte[] bytes = six.getAddress();
        BigInteger prefix = new BigInteger(1, bytes).shiftRight(32).shiftLeft(32);
        if (prefix.signum() == 0 || prefix.equals(NAT64)) {
            byte[] four = new byte[4];
            System.arraycopy(bytes, 12, four, 0, 4);
            return four;
        }
        return null;
    }

    private static Range range(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (!LITERAL.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an address range such as 169.254.0.0/16 or"
                    + " fe80::/10, nor one of the words " + METADATA + ", " + PRIVATE + ", " + NONE);
        }
        byte[] network;
        try {
            network = InetAddress.getByName(host).getAddress(); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address range");
        }
        int max = network.length * 8;
        int bits;
        try {
            bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length after '/'");
        }
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("'" + text + "' has a prefix length out of range [0, " + max + "]");
        }
        return new Range(network, bits);
    }
}
