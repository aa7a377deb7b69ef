package dev.modelcache.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the DevTools protocol ({@link DevTools}, the JDK's WebSocket client): one page,
 * navigated, read and acted on with JavaScript ({@link #evaluate}, {@link #waitFor}), and photographed. What the
 * page throws and logs as an error is kept ({@link #problems}). {@link #close()} ends the browser and its helper
 * processes and deletes its profile folder.
 */
public final class Chromium implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LISTENING = "DevTools listening on ";

    private final Process process;
    private final Path profile;
    private final Deque<String> stderr = new ArrayDeque<>();
    private final CompletableFuture<String> browserUrl = new CompletableFuture<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DevTools devTools;

    /** The browser to drive: {@code MODELCACHE_CHROMIUM}, else chromium, chromium-browser or google-chrome on PATH. */
    public static Optional<Path> find() {
        String configured = System.getenv("MODELCACHE_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String pathVariable = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String folder : pathVariable.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(folder.isEmpty() ? "." : folder, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private Chromium(Path binary) throws IOException {
        profile = Files.createTempDirectory("modelcache-chromium");
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--window-size=1280,900",
                "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(this::readStderr, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code binary} headless and connects to its page; fails with the browser's own words if it cannot. */
    public static Chromium launch(Path binary) throws IOException, InterruptedException {
        Chromium chromium = new Chromium(binary);
        try {
            chromium.connect();
            chromium.send("Page.enable", Map.of());
            chromium.send("Runtime.enable", Map.of());
            chromium.send("Log.enable", Map.of());
            return chromium;
        } catch (IOException | InterruptedException | RuntimeException e) {
            String said = chromium.stderrTail();
            chromium.close();
            throw new IOException("Chromium (" + binary + ") did not start: " + e + "\n" + said, e);
        }
    }

    private void readStderr() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.contains(LISTENING)) {
                    browserUrl.complete(line.substring(line.indexOf(LISTENING) + LISTENING.length()).trim());
                }
                synchronized (stderr) {
                    stderr.addLast(line);
                    if (stderr.size() > 40) {
                        stderr.removeFirst();
                    }
                }
            }
        } catch (IOException ended) {
            browserUrl.completeExceptionally(ended);
        } finally {
            browserUrl.completeExceptionally(new IOException("Chromium ended before it listened"));
        }
    }

    private void connect() throws IOException, InterruptedException {
        String browser;
        try {
            browser = browserUrl.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("no DevTools address from Chromium in " + TIMEOUT.toSeconds() + " s", e);
        }
        int port = URI.create(browser).getPort();
        String page = null;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (page == null && System.nanoTime() < deadline) {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : JSON.readTree(list.body())) {
                if ("page".equals(target.path("type").asText()) && target.hasNonNull("webSocketDebuggerUrl")) {
                    page = target.get("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            Thread.sleep(page == null ? 100 : 0);
        }
        if (page == null) {
            throw new IOException("Chromium shows no page target");
        }
        devTools = new DevTools(http, URI.create(page), TIMEOUT);
    }

    private JsonNode send(String method, Map<String, ?> params) {
        return devTools.send(method, params);
    }

    /** The value of {@code expression} in the page (promises awaited); a thrown error fails with its description. */
    public JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": "
                    + result.at("/exceptionDetails/exception/description").asText(result.path("exceptionDetails").toString()));
        }
        JsonNode value = result.at("/result/value");
        return value.isMissingNode() ? NullNode.getInstance() : value;
    }

    /**
     * Polls {@code expression} every 100 ms until it is truthy and returns that value; after {@link #TIMEOUT}, fails
     * naming {@code what}, the last value, the page's problems and the start of its text.
     */
    public JsonNode waitFor(String what, String expression) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JsonNode value = NullNode.getInstance();
        while (System.nanoTime() < deadline) {
            value = evaluate(expression);
            if (truthy(value)) {
                return value;
            }
            Thread.sleep(100);
        }
        String text = evaluate("document.body ? document.body.innerText : ''").asText();
        throw new AssertionError("Waited " + TIMEOUT.toSeconds() + " s for " + what + "; last value " + value
                + ".\nPage problems: " + problems() + "\nPage text:\n" + text.substring(0, Math.min(3000, text.length())));
    }

    private static boolean truthy(JsonNode value) {
        return value.isBoolean() ? value.asBoolean() : value.isNumber() ? value.asDouble() != 0
                : value.isTextual() ? !value.asText().isEmpty() : !value.isNull() && !value.isMissingNode();
    }

    /** Opens {@code url} and waits until it has loaded. */
    public void navigate(String url) throws InterruptedException {
        send("Page.navigate", Map.of("url", url));
        waitFor("the page " + url + " to load", "document.readyState === 'complete' && location.href === " + quote(url));
    }

    /** Sets the viewport's size in CSS pixels. */
    public void viewport(int width, int height) {
        send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", false));
    }

    /** A PNG of the whole page, written to {@code file}. */
    public void screenshot(Path file) throws IOException {
        JsonNode size = send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", Math.ceil(size.path("width").asDouble(1280)),
                "height", Math.ceil(size.path("height").asDouble(900)), "scale", 1);
        JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    /** What the page threw or logged as an error, in order. */
    public List<String> problems() {
        return devTools == null ? List.of() : devTools.problems();
    }

    /** {@code text} as a JavaScript string literal. */
    public static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String stderrTail() {
        synchronized (stderr) {
            return String.join("\n", new ArrayList<>(stderr));
        }
    }

    @Override
    public void close() {
        if (devTools != null) {
            devTools.close();
        }
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        helpers.forEach(ProcessHandle::destroyForcibly);
        deleteProfile();
    }

    /** Deletes the profile folder, trying again while a helper that is still ending writes into it. */
    private void deleteProfile() {
        for (int attempt = 0; attempt < 5 && Files.exists(profile); attempt++) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException stillWriting) {
                // tried again below
            }
            LockSupport.parkNanos(Files.exists(profile) ? 200_000_000L : 0L);
        }
    }
}
