package dev.modelcache.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether the launcher can listen where it was told to, asked before Tomcat starts. Tomcat, finding a port taken,
 * logs a {@code BindException} and starts anyway, listening nowhere (its port is then -1): a stale proxy still on
 * that port would answer in its place, and a replay run could go green through it. The launcher probes the port
 * first, so a taken port ends it with one line naming the port; it also checks Tomcat's connector after the start
 * ({@link #notListening}), for a port taken between the two.
 */
final class PortProbe {
    private PortProbe() {
    }

    /** Null when {@code host:port} can be bound now (port 0 always can), else the one line that says why not. */
    static String problem(String host, int port) {
        if (port == 0) {
            return null;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(ServerSettings.address(host), port));
            return null;
        } catch (IOException e) {
            return notListening(host, port, e.getMessage());
        }
    }

    /** The line for a port the launcher cannot listen on. */
    static String notListening(String host, int port, String reason) {
        return "cannot listen on " + host + ":" + port + " (" + reason + "): another process, perhaps an earlier"
                + " ModelCache, holds port " + port + "; stop it, or choose another port with MODELCACHE_PORT or"
                + " -Dmodelcache.port";
    }
}
