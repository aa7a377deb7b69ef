package dev.modelcache.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelcache.ModelCache;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.launcher.ServerSettings;
import dev.modelcache.servlet.ModelCacheServlet;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * The server side of the parts {@code miss-overhead} and {@code tiers}, a process of its own (pinned to the server's
 * core; the load runs in another): two fake providers on loopback, written with the JDK's HTTP server (keep-alive,
 * a thread pool), {@code fast} answering at once and {@code slow} after {@code UPSTREAM_DELAY_MS} (default 20), both
 * with the same ~1 KB chat completion; and the proxy, the real servlet in an embedded Tomcat on port 0 with the
 * launcher's connector settings ({@link ServerSettings}), as {@code support/TestProxy} builds it but with no test
 * listener. Models {@code gpt-*} go to {@code fast}, {@code slow-*} to {@code slow}. Every port is chosen by the
 * system (0); they are written to the port file as {@code proxy=N fast=N slow=N} once all listen.
 *
 * <p>Arguments: the cache folder, the port file, then {@code key=value} settings over the defaults (the settings'
 * own defaults, as a launcher's; the access log on). Runs until killed: the tiers part kills it with SIGKILL to
 * start a new proxy over the same folder as after a crash.
 */
public final class MissTierServer {
    private MissTierServer() {
    }

    public static void main(String[] args) throws Exception {
        Path cacheDir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        long delayMillis = Long.parseLong(System.getenv().getOrDefault("UPSTREAM_DELAY_MS", "20"));
        // The JDK's server writes the head and the body apart; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK hold the body ~40 ms (read when the first server is made).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        byte[] answer = UnitBodies.answer(7);
        HttpServer fast = upstream(answer, 0);
        HttpServer slow = upstream(answer, delayMillis);

        Map<String, String> settings = new HashMap<>();
        settings.put("cache/dir", cacheDir.toString());
        settings.put("providers/openai/type", "openai");
        settings.put("providers/openai/baseUrl", "http://127.0.0.1:" + fast.getAddress().getPort());
        settings.put("providers/openai/models", "gpt-*");
        settings.put("providers/slow/type", "openai");
        settings.put("providers/slow/baseUrl", "http://127.0.0.1:" + slow.getAddress().getPort());
        settings.put("providers/slow/models", "slow-*");
        settings.put("defaultProvider", "openai");
        for (int i = 2; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            settings.put(args[i].substring(0, equals), args[i].substring(equals + 1));
        }
        ModelCache app = ModelCache.start(Config.from(Settings.of(settings)));
        Path base = Files.createTempDirectory("modelcache-bench-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        ServerSettings.from(Settings.of(settings)).applyTo(tomcat.getConnector());
        Context context = tomcat.addContext("", base.toString());
        Wrapper servlet = Tomcat.addServlet(context, "modelcache", new ModelCacheServlet(app));
        servlet.setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "modelcache");
        tomcat.start();

        Path temp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(temp, "proxy=" + tomcat.getConnector().getLocalPort() + " fast=" + fast.getAddress().getPort()
                + " slow=" + slow.getAddress().getPort() + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.err.println("bench server: proxy on " + tomcat.getConnector().getLocalPort() + ", cache in " + cacheDir);
        tomcat.getServer().await();
    }

    /** A fake provider: reads the request, waits {@code delayMillis} (0: none), answers 200 with {@code answer}. */
    private static HttpServer upstream(byte[] answer, long delayMillis) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        ExecutorService threads = Executors.newFixedThreadPool(32);
        server.setExecutor(threads);
        server.createContext("/", exchange -> answer(exchange, answer, delayMillis));
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, byte[] answer, long delayMillis) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis); // the provider's time: what a miss waits for anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("x-request-id", "req_bench");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }
}
