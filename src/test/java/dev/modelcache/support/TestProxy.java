package dev.modelcache.support;

import dev.modelcache.ModelCache;
import dev.modelcache.ModelCacheServlet;
import dev.modelcache.admin.ProxyStats;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

/** The real servlet in an embedded Tomcat on a free port, configured from a map; {@link #close()} stops it. */
public final class TestProxy implements AutoCloseable {
    public static final String CHAT = "/v1/chat/completions";

    private final Tomcat tomcat = new Tomcat();
    private final ModelCache app;
    private final EventRecorder events = new EventRecorder();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestProxy(Map<String, String> settings) throws IOException, LifecycleException {
        app = ModelCache.start(Config.from(Settings.of(settings)));
        app.events().add(events);
        Path base = Files.createTempDirectory("modelcache-test-tomcat");
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector();
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "modelcache", new ModelCacheServlet(app));
        context.addServletMappingDecoded("/*", "modelcache");
        tomcat.start();
    }

    /** Settings for a proxy in front of {@code upstream}, caching in {@code cacheDir}. */
    public static Map<String, String> settings(String upstreamBaseUrl, Path cacheDir) {
        Map<String, String> settings = new HashMap<>();
        settings.put("cache/dir", cacheDir.toString());
        settings.put("cache/diskMB", "64");
        settings.put("providers/openai/type", "openai");
        settings.put("providers/openai/baseUrl", upstreamBaseUrl);
        settings.put("providers/openai/models", "gpt-*,o1*,o3*,o4*,text-embedding-*");
        settings.put("defaultProvider", "openai");
        settings.put("upstream/connectTimeout", "2");
        settings.put("upstream/responseTimeout", "5");
        return settings;
    }

    public static TestProxy start(Map<String, String> settings) throws IOException, LifecycleException {
        return new TestProxy(settings);
    }

    public static TestProxy start(String upstreamBaseUrl, Path cacheDir) throws IOException, LifecycleException {
        return new TestProxy(settings(upstreamBaseUrl, cacheDir));
    }

    /** The same, with one setting changed (a shorter timeout, say). */
    public static TestProxy start(String upstreamBaseUrl, Path cacheDir, String key, String value)
            throws IOException, LifecycleException {
        Map<String, String> settings = settings(upstreamBaseUrl, cacheDir);
        settings.put(key, value);
        return new TestProxy(settings);
    }

    public ModelCache app() {
        return app;
    }

    /** Every event of this proxy, for tests that wait on them instead of sleeping. */
    public EventRecorder events() {
        return events;
    }

    /** The stats once every exchange that began has ended (its bookkeeping runs after the client has its answer). */
    public ProxyStats.Snapshot settledStats() throws InterruptedException {
        events.awaitSettled();
        return app.stats().snapshot();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + path);
    }

    public HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient client() {
        return client;
    }

    @Override
    public void close() throws LifecycleException {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            app.close();
        }
    }
}
