package dev.modelcache.support;

import dev.modelcache.ModelCache;
import dev.modelcache.files.FileTrees;
import dev.modelcache.servlet.ModelCacheServlet;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.launcher.ServerSettings;
import dev.modelcache.stats.UsageStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * The real servlet (async-supported, as web.xml registers it) in an embedded Tomcat on a free loopback port,
 * configured from a map; {@link #close()} stops it. The launcher's connector keys apply to its connector too, so
 * {@code server/maxThreads} gives a proxy with a small thread pool.
 *
 * <p>A test run leaves nothing in the system temp folder. Each proxy's Tomcat folder lies in one folder per JVM,
 * {@code modelcache-test-tomcat-<pid>}: the proxy deletes its own on {@link #close()} (or when it fails to start),
 * the JVM deletes its folder when it exits, and the folders of JVMs that are gone without exiting (a child JVM
 * killed with SIGKILL by a crash test cannot clean up after itself) are deleted when a JVM loads this class and
 * when it exits. A run once left ~200 Tomcat folders behind, then ~8: proxies that failed to start, proxies in
 * child JVMs that were killed, and folders made again by in-JVM launcher tests (see {@link #forgetBase()}).
 */
public final class TestProxy implements AutoCloseable {
    public static final String CHAT = "/v1/chat/completions";
    /** The name of a JVM's folder, before its process id. */
    public static final String FOLDER_PREFIX = "modelcache-test-tomcat-";

    private static final Path JVM_FOLDER = jvmFolder();

    private final Tomcat tomcat = new Tomcat();
    private final ModelCache app;
    /** Tomcat's base folder (its work files), deleted on {@link #close()}. */
    private final Path base;
    private final int port;
    private boolean closed;
    private final EventRecorder events = new EventRecorder();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestProxy(Map<String, String> settings, Duration bodyTimeout, Clock clock) throws IOException, LifecycleException {
        app = ModelCache.start(Config.from(Settings.of(settings)), clock);
        app.events().add(events);
        base = Files.createTempDirectory(JVM_FOLDER, "tomcat");
        try {
            tomcat.setBaseDir(base.toString());
            tomcat.setPort(0);
            ServerSettings.from(Settings.of(settings)).applyTo(tomcat.getConnector());
            Context context = tomcat.addContext("", base.toString());
            Wrapper servlet = Tomcat.addServlet(context, "modelcache", new ModelCacheServlet(app, bodyTimeout));
            servlet.setAsyncSupported(true);
            context.addServletMappingDecoded("/*", "modelcache");
            tomcat.start();
            port = tomcat.getConnector().getLocalPort();
        } catch (LifecycleException | RuntimeException e) {
            try {
                close();
            } catch (LifecycleException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * This JVM's folder for its proxies' Tomcat folders, deleted when the JVM exits; the folders of JVMs that are
     * gone are deleted now and again at exit.
     */
    private static Path jvmFolder() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        deleteFoldersOfEndedJvms(temp);
        Path folder = temp.resolve(FOLDER_PREFIX + ProcessHandle.current().pid());
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                FileTrees.delete(folder);
            } catch (IOException e) {
                System.err.println("could not delete the test Tomcats' folder " + folder + ": " + e);
            }
            deleteFoldersOfEndedJvms(temp); // the child JVMs this one's tests killed
        }, "modelcache-test-tomcat-cleanup"));
        return folder;
    }

    /** Deletes every {@code modelcache-test-tomcat-<pid>} folder in {@code temp} whose process has ended. */
    static void deleteFoldersOfEndedJvms(Path temp) {
        Pattern name = Pattern.compile(Pattern.quote(FOLDER_PREFIX) + "(\\d{1,18})");
        try (Stream<Path> all = Files.list(temp)) {
            for (Path folder : all.toList()) {
                Matcher pid = name.matcher(folder.getFileName().toString());
                if (pid.matches() && !ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    FileTrees.delete(folder);
                }
            }
        } catch (IOException e) {
            System.err.println("could not clear ended test JVMs' Tomcat folders in " + temp + ": " + e);
        }
    }

    /** This JVM's folder of Tomcat folders. */
    public static Path jvmFolderPath() {
        return JVM_FOLDER;
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
        // A test that leaves an answer in flight should not wait the default 30 s in close().
        settings.put("shutdownDrainSeconds", "5");
        return settings;
    }

    public static TestProxy start(Map<String, String> settings) throws IOException, LifecycleException {
        return new TestProxy(settings, ModelCacheServlet.DEFAULT_BODY_TIMEOUT, Clock.systemUTC());
    }

    /** The same, on {@code clock} (a {@link TestClock}, say): lifetimes and {@code max-age} count on it. */
    public static TestProxy start(Map<String, String> settings, Clock clock) throws IOException, LifecycleException {
        return new TestProxy(settings, ModelCacheServlet.DEFAULT_BODY_TIMEOUT, clock);
    }

    /** The same, giving a request body {@code bodyTimeout} to arrive (then 408). */
    public static TestProxy start(Map<String, String> settings, Duration bodyTimeout) throws IOException, LifecycleException {
        return new TestProxy(settings, bodyTimeout, Clock.systemUTC());
    }

    /** The same, on {@code clock}. */
    public static TestProxy start(Map<String, String> settings, Duration bodyTimeout, Clock clock)
            throws IOException, LifecycleException {
        return new TestProxy(settings, bodyTimeout, clock);
    }

    public static TestProxy start(String upstreamBaseUrl, Path cacheDir) throws IOException, LifecycleException {
        return start(settings(upstreamBaseUrl, cacheDir));
    }

    /** The same, with one setting changed (a shorter timeout, say). */
    public static TestProxy start(String upstreamBaseUrl, Path cacheDir, String key, String value)
            throws IOException, LifecycleException {
        Map<String, String> settings = settings(upstreamBaseUrl, cacheDir);
        settings.put(key, value);
        return start(settings);
    }

    public ModelCache app() {
        return app;
    }

    /** Every event of this proxy, for tests that wait on them instead of sleeping. */
    public EventRecorder events() {
        return events;
    }

    /** The stats once every exchange that began has ended (its bookkeeping runs after the client has its answer). */
    public UsageStats.Snapshot settledStats() throws InterruptedException {
        events.awaitSettled();
        return app.usage().snapshot();
    }

    /** The port the proxy listens on (loopback); read once at start, so asking after close touches no Tomcat. */
    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
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
        if (closed) {
            return;
        }
        closed = true;
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            try {
                app.close();
            } finally {
                deleteBase();
                forgetBase();
            }
        }
    }

    /**
     * Tomcat sets {@code catalina.base} and {@code catalina.home} JVM-wide to the folder of the last Tomcat started, and
     * a later Tomcat without a folder of its own falls back on them and makes that folder again (empty: an in-JVM
     * launcher test left such folders in the temp folder). Once this proxy's folder is gone, they name the JVM's
     * folder instead, which exists until the JVM exits.
     */
    private void forgetBase() {
        for (String property : new String[] {"catalina.base", "catalina.home"}) {
            if (base.toString().equals(System.getProperty(property))) {
                System.setProperty(property, JVM_FOLDER.toString());
            }
        }
    }

    /** The folder Tomcat was given ({@link #close()} deletes it). */
    public Path baseDir() {
        return base;
    }

    private void deleteBase() {
        try {
            FileTrees.delete(base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test Tomcat's folder " + base, e);
        }
    }
}
