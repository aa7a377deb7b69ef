package dev.modelcache.support;

import dev.modelcache.servlet.ModelCacheServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The fixture of an HTTP test, modelled on OkHttp's {@code MockWebServerExtension}: per test it owns a temporary
 * folder (the cache folder is {@link #cacheDir()} inside it), a {@link FakeUpstream} whose handler the test sets,
 * and a {@link TestProxy} in front of it. Each is made on first use, so a test adjusts the settings and the handler
 * before it asks for {@link #proxy()}; {@link #restart()} stops the proxy and starts a new one on the same cache
 * folder (what crash and restart tests need). After the test everything is closed in reverse order: every proxy
 * (the newest first), the upstream, then the folder is deleted.
 * Its methods are synchronized: requests sent at once from many threads (the coalescing tests) all reach the one
 * proxy that the first of them started.
 *
 * <p>Two ways in. A field, when the class wants its own defaults:
 * <pre>{@code
 * @RegisterExtension
 * final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER)).with("admin/token", TOKEN);
 * }</pre>
 * or {@code @ExtendWith(ProxyExtension.class)} and a test (or constructor, or {@code @BeforeEach}) parameter of type
 * {@code ProxyExtension}, {@code FakeUpstream} or {@code TestProxy}. A resolved {@code TestProxy} has been started, so a
 * test that changes settings asks for the {@code ProxyExtension} instead. Defaults given when the extension is
 * built hold for every test of the class; what a test changes ({@link #with}, {@link #handler}) is forgotten after it.
 *
 * <p>It also holds what the HTTP tests used to copy into each class: post a request and read {@code X-Cache}
 * ({@link #xCache}), post for bytes, call an admin path with any method.
 */
public final class ProxyExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    /** Stands for the fake upstream's base URL in a setting's value; replaced when the proxy starts. */
    public static final String UPSTREAM = "${upstream}";

    private final Map<String, String> defaults = new LinkedHashMap<>();
    private Function<FakeUpstream.Request, FakeUpstream.Reply> defaultHandler = r -> FakeUpstream.Reply.json(200, "{}");
    private Duration defaultBodyTimeout = ModelCacheServlet.DEFAULT_BODY_TIMEOUT;

    private final Map<String, String> settings = new LinkedHashMap<>();
    private Function<FakeUpstream.Request, FakeUpstream.Reply> handler;
    private Duration bodyTimeout;
    private Clock defaultClock = Clock.systemUTC();
    private Clock clock;
    private Path folder;
    private FakeUpstream upstream;
    private TestProxy proxy;
    /** Every proxy started in this test, the newest first: the order they close in. */
    private final Deque<TestProxy> started = new ArrayDeque<>();
    /** Between beforeEach and afterEach: a change is the test's own; before, it is a default of the class. */
    private boolean inTest;

    public ProxyExtension() {
        forget();
    }

    /** Sets a setting (pairs of key and value) for the next proxy that starts; {@link #UPSTREAM} may appear in a value. */
    public synchronized ProxyExtension with(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("settings come in pairs of key and value");
        }
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!inTest) {
                defaults.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return this;
    }

    /**
     * A provider named {@code name} of {@code type} at the fake upstream below {@code pathPrefix} (may be empty), for the
     * models matching {@code models}.
     */
    public ProxyExtension provider(String name, String type, String pathPrefix, String models) {
        return with("providers/" + name + "/type", type, "providers/" + name + "/baseUrl", UPSTREAM + pathPrefix,
                "providers/" + name + "/models", models);
    }

    /** What the fake provider answers (at once if it runs, or when it starts). */
    public synchronized ProxyExtension handler(Function<FakeUpstream.Request, FakeUpstream.Reply> answer) {
        if (!inTest) {
            defaultHandler = answer;
        }
        handler = answer;
        if (upstream != null) {
            upstream.handler(answer);
        }
        return this;
    }

    /** How long a request body may take to arrive (then 408), for the next proxy that starts. */
    public synchronized ProxyExtension bodyTimeout(Duration timeout) {
        if (!inTest) {
            defaultBodyTimeout = timeout;
        }
        bodyTimeout = timeout;
        return this;
    }

    /**
     * The clock the next proxy reads the time from (a {@link TestClock}, say): entries' ages, lifetimes and
     * {@code max-age} count on it, so a test moves time on instead of sleeping.
     */
    public synchronized ProxyExtension clock(Clock time) {
        if (!inTest) {
            defaultClock = time;
        }
        clock = time;
        return this;
    }

    /** The test's temporary folder: the cache folder and anything else the test writes go below it. */
    public synchronized Path folder() {
        if (folder == null) {
            try {
                folder = Files.createTempDirectory("modelcache-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder;
    }

    /** The cache folder of {@link #proxy()}, kept across {@link #restart()}. */
    public Path cacheDir() {
        return folder().resolve("cache");
    }

    public synchronized FakeUpstream upstream() throws IOException {
        if (upstream == null) {
            upstream = FakeUpstream.start().handler(handler);
        }
        return upstream;
    }

    /** The proxy in front of {@link #upstream()}, started on first use with the settings as they are then. */
    public synchronized TestProxy proxy() throws Exception {
        if (proxy == null) {
            proxy = start(cacheDir(), Map.of());
        }
        return proxy;
    }

    /** Stops the proxy (if it runs) and starts a new one on the same cache folder with the settings as they are now. */
    public synchronized TestProxy restart() throws Exception {
        stop();
        return proxy();
    }

    /** Stops the proxy, as a shutdown does; the next {@link #proxy()} starts a new one on the same cache folder. */
    public synchronized void stop() throws Exception {
        if (proxy != null) {
            started.remove(proxy);
            TestProxy stopping = proxy;
            proxy = null;
            stopping.close();
        }
    }

    /**
     * Another proxy in front of the same upstream, on its own cache folder, with these settings (pairs) on top of the
     * test's; it is closed with the rest.
     */
    public synchronized TestProxy another(Path cacheDir, String... keysAndValues) throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            extra.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return start(cacheDir, extra);
    }

    /** The settings a proxy on {@code cacheDir} starts with: {@link TestProxy#settings}, then the test's. */
    public synchronized Map<String, String> settingsFor(Path cacheDir) throws IOException {
        Map<String, String> all = TestProxy.settings(upstream().baseUrl(), cacheDir);
        settings.forEach((key, value) -> all.put(key, value.replace(UPSTREAM, upstream.baseUrl())));
        return all;
    }

    private synchronized TestProxy start(Path cacheDir, Map<String, String> extra) throws Exception {
        Map<String, String> all = settingsFor(cacheDir);
        extra.forEach((key, value) -> all.put(key, value.replace(UPSTREAM, upstream.baseUrl())));
        TestProxy next = TestProxy.start(all, bodyTimeout, clock);
        started.push(next);
        return next;
    }

    /** Reads {@code X-Cache} (HIT, MISS, BYPASS, REFRESH...), or null when the answer has none. */
    public static String xCache(HttpResponse<?> response) {
        return response.headers().firstValue("X-Cache").orElse(null);
    }

    /** POSTs {@code json} to {@code path} of {@link #proxy()}; {@code headers} are pairs of name and value. */
    public HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        return proxy().post(path, json, headers);
    }

    /** GETs {@code path} of {@link #proxy()}; {@code headers} are pairs of name and value. */
    public HttpResponse<String> get(String path, String... headers) throws Exception {
        return proxy().get(path, headers);
    }

    /** The same, for the answer's bytes, once the proxy has settled the exchange (stored it, counted it). */
    public HttpResponse<byte[]> postBytes(String path, String json, String... headers) throws Exception {
        return postBytes(proxy(), path, json, headers);
    }

    /** {@link #postBytes(String, String, String...)} to any proxy. */
    public static HttpResponse<byte[]> postBytes(TestProxy to, String path, String json, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(to.uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        addHeaders(request, headers);
        HttpResponse<byte[]> response = to.client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        to.events().awaitSettled();
        return response;
    }

    /** A request without a body, by any method (GET, DELETE, PUT of an admin action...). */
    public static HttpResponse<String> send(TestProxy to, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(to.uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        addHeaders(request, headers);
        return to.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void addHeaders(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        inTest = true;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        inTest = false;
        close();
    }

    /** Closes every proxy (newest first), then the upstream, then deletes the folder; and forgets the test's changes. */
    public synchronized void close() throws Exception {
        List<Exception> failures = new ArrayList<>();
        while (!started.isEmpty()) {
            TestProxy next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        proxy = null;
        if (upstream != null) {
            try {
                upstream.close();
            } catch (IOException e) {
                failures.add(e);
            }
            upstream = null;
        }
        if (folder != null) {
            try {
                deleteTree(folder);
            } catch (IOException e) {
                failures.add(e);
            }
            folder = null;
        }
        forget();
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void forget() {
        settings.clear();
        settings.putAll(defaults);
        handler = defaultHandler;
        bodyTimeout = defaultBodyTimeout;
        clock = defaultClock;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                path.toFile().setWritable(true);
                Files.deleteIfExists(path);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ProxyExtension.class || type == FakeUpstream.class || type == TestProxy.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        try {
            return type == ProxyExtension.class ? this : type == FakeUpstream.class ? upstream() : proxy();
        } catch (Exception e) {
            throw new org.junit.jupiter.api.extension.ParameterResolutionException("could not start the " + type.getSimpleName(), e);
        }
    }
}
