package dev.modelcache.config;

import java.time.Duration;

/**
 * How the proxy talks to providers, {@code upstream/...}: seconds to connect ({@code connectTimeout}) and to wait
 * for the next bytes of an answer ({@code responseTimeout}), and the connections it may hold open
 * ({@code maxConnections}: every answer being relayed holds one, a long stream for its whole life), and the
 * addresses it never connects to ({@code denyAddresses}, {@link AddressRanges}; by default the link-local and cloud
 * metadata ones).
 */
public record UpstreamConfig(Duration connectTimeout, Duration responseTimeout, int maxConnections,
                             AddressRanges denyAddresses) {
    public static final long DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    public static final long DEFAULT_RESPONSE_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    static UpstreamConfig read(ConfigReader r) {
        return new UpstreamConfig(r.seconds(ConfigKeys.UPSTREAM_CONNECT_TIMEOUT, 1, 3600),
                r.seconds(ConfigKeys.UPSTREAM_RESPONSE_TIMEOUT, 1, 86_400),
                (int) r.number(ConfigKeys.UPSTREAM_MAX_CONNECTIONS, 1, 100_000),
                denyAddresses(r));
    }

    /** The same timeouts and limit, denying the default ranges. */
    public UpstreamConfig(Duration connectTimeout, Duration responseTimeout, int maxConnections) {
        this(connectTimeout, responseTimeout, maxConnections, AddressRanges.parse(AddressRanges.DEFAULT));
    }

    private static AddressRanges denyAddresses(ConfigReader r) {
        String spec = r.textOrDefault(ConfigKeys.UPSTREAM_DENY_ADDRESSES);
        try {
            return AddressRanges.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigKeys.UPSTREAM_DENY_ADDRESSES.key(), e.getMessage());
        }
    }

    /**
     * The longest a call can take before its first bytes or its error: a follower waiting that long for its leader
     * never gives up on one that is about to answer.
     */
    public Duration longestWaitForFirstBytes() {
        return connectTimeout.plus(responseTimeout);
    }
}
