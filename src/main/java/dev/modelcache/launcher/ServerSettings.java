package dev.modelcache.launcher;

import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.ConfigReader;
import dev.modelcache.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.apache.catalina.connector.Connector;

/**
 * The launchers' own connector settings, read like {@code port} (system property or environment; in a container
 * the container's connector decides): where to listen and how much a crowd of clients may hold.
 *
 * <ul>
 * <li>{@code host}: the address to bind, default {@code 127.0.0.1} (this machine only); {@code 0.0.0.0} listens on
 * every interface.</li>
 * <li>{@code server/maxThreads}: request threads, default 400. A plain answer holds one while it is served; a live
 * stream only until the provider's first bytes, then none (its followers and paced replays still hold one). So
 * this is how many slow plain answers can be in progress while health checks and hits still get a thread.
 * Request bodies are read without a thread.</li>
 * <li>{@code server/maxConnections}: open connections, default 10000 (idle keep-alive and slow uploads count).</li>
 * </ul>
 *
 * <p>Keep-alive has no request limit ({@link #MAX_KEEP_ALIVE_REQUESTS}): Tomcat's default of 100 closes a busy
 * client's connection every 100 requests, and under load the reconnects (and their TIME_WAIT sockets) cost more than
 * the hits they carry. Connections stay bounded by {@code server/maxConnections} and by the idle timeout, and an idle
 * keep-alive connection holds no thread (the NIO poller watches it).</p>
 */
public record ServerSettings(String host, int maxThreads, int maxConnections) {
    public static final String DEFAULT_HOST = ConfigKeys.HOST.defaultValue();
    public static final int DEFAULT_MAX_THREADS = Integer.parseInt(ConfigKeys.SERVER_MAX_THREADS.defaultValue());
    public static final int DEFAULT_MAX_CONNECTIONS = Integer.parseInt(ConfigKeys.SERVER_MAX_CONNECTIONS.defaultValue());
    /** Requests a keep-alive connection may carry before the connector closes it: -1, no limit (Tomcat's: 100). */
    public static final int MAX_KEEP_ALIVE_REQUESTS = -1;

    public static ServerSettings from(Settings settings) {
        String host = settings.get(ConfigKeys.HOST).orElse(DEFAULT_HOST);
        address(host);
        ConfigReader r = new ConfigReader(settings);
        return new ServerSettings(host, (int) r.number(ConfigKeys.SERVER_MAX_THREADS, 2, 100_000),
                (int) r.number(ConfigKeys.SERVER_MAX_CONNECTIONS, 1, 1_000_000));
    }

    /** Sets the address, sizes and keep-alive limit of {@code connector} (before it starts). */
    public void applyTo(Connector connector) {
        connector.setProperty("address", address(host).getHostAddress());
        connector.setProperty("maxThreads", String.valueOf(maxThreads));
        connector.setProperty("minSpareThreads", String.valueOf(Math.min(10, maxThreads)));
        connector.setProperty("maxConnections", String.valueOf(maxConnections));
        connector.setProperty("maxKeepAliveRequests", String.valueOf(MAX_KEEP_ALIVE_REQUESTS));
    }

    /** True when the launcher listens on every interface (anyone on the network can use it). */
    public boolean open() {
        return address(host).isAnyLocalAddress();
    }

    /** {@code host} as an address: an IPv4 or IPv6 literal or {@code localhost}, parsed without a name lookup. */
    static InetAddress address(String host) {
        String problem = "'" + host + "' is not an IP address (use 127.0.0.1 for this machine only, 0.0.0.0 for every interface)";
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                && Arrays.stream(host.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
        boolean v6 = host.contains(":");
        if (!v4 && !v6 && !host.equalsIgnoreCase("localhost")) {
            throw new ConfigException(ConfigKeys.HOST.key(), problem);
        }
        try {
            return host.equalsIgnoreCase("localhost") ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException(ConfigKeys.HOST.key(), problem);
        }
    }
}
