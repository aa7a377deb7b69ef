package dev.modelcache.junit5;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One proxy: {@code java -jar modelcache.war} as a child process on a free loopback port (port 0; the launcher says
 * which it got), its cache in a folder of its own that starts empty, its output in {@code proxy.log} there. It holds
 * the child's standard input open: the launcher runs with {@code launcher/exitWithStdin}, so when this JVM ends in
 * any way (a kill -9 included) the pipe closes and the proxy stops with it. Started, it is checked like the CI
 * recipes check theirs: {@code /_cache/health} must report this child's pid and the mode asked for.
 */
final class ProxyProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("ModelCache listening on http://localhost:(\\d+)/");
    private static final String CANNOT_START = "ModelCache cannot start:";
    /** How long a start may take (a loaded CI machine unpacks the WAR and starts Tomcat). */
    private static final Duration START = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Process process;
    private final Path war;
    private final Path folder;
    private final Map<String, String> environment;
    private final String root;

    private ProxyProcess(Process process, Path war, Path folder, Map<String, String> environment, int port) {
        this.process = process;
        this.war = war;
        this.folder = folder;
        this.environment = environment;
        this.root = "http://127.0.0.1:" + port;
    }

    /** Starts the proxy for {@code config} from {@code war}, in {@code folder} (emptied first); fails with one line. */
    static ProxyProcess start(ProxyConfig config, Path war, Path folder) {
        try {
            deleteTree(folder);
            Files.createDirectories(folder);
            if (config.mode() == Mode.AUTO) {
                // The proxy serves the folder from its start, and refuses one that is not there; the first
                // recordings of a project make it.
                Files.createDirectories(config.cassettes());
            }
            Map<String, String> env = new HashMap<>(config.environment());
            env.put(ProxyConfig.environmentName("cache/dir"), folder.resolve("cache").toString());
            ProcessBuilder builder = command(war, env).redirectErrorStream(true);
            builder.environment().put(ProxyConfig.environmentName("port"), "0");
            builder.environment().put(ProxyConfig.environmentName("host"), "127.0.0.1");
            builder.environment().put(ProxyConfig.environmentName("launcher/exitWithStdin"), "true");
            Process process = builder.start();
            Children.add(process);
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread drain = new Thread(() -> drain(process, folder.resolve("proxy.log"), port),
                    "modelcache-proxy-" + process.pid());
            drain.setDaemon(true);
            drain.start();
            ProxyProcess proxy;
            try {
                proxy = new ProxyProcess(process, war, folder, env, port.get(START.toSeconds(), TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException("ModelCache proxy did not start within " + START.toSeconds()
                        + " s; see " + folder.resolve("proxy.log"));
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage() + " (log: " + folder.resolve("proxy.log") + ")");
            }
            proxy.checkHealth(config.mode().cacheMode());
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCache proxy could not be started from " + war + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the ModelCache proxy started", e);
        }
    }

    /**
     * {@code java -jar war} with this JVM's environment but none of ModelCache's variables (which the run's other
     * tools may set for their own proxy), and {@code settings} instead.
     */
    private static ProcessBuilder command(Path war, Map<String, String> settings, String... args) {
        // C1 only and the serial collector: a test's proxy starts about a third sooner (loaded machine, 8.5 s -> 5.7 s)
        // and serves a suite's few hundred calls no slower in a way a test notices.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", war.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("MODELCACHE_"));
        builder.environment().putAll(settings);
        return builder;
    }

    /** Copies the child's output to its log, completing {@code port} from the line that says where it listens. */
    private static void drain(Process process, Path log, CompletableFuture<Integer> port) {
        String reason = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.write(line);
                out.write('\n');
                out.flush();
                Matcher listening = LISTENING.matcher(line);
                if (!port.isDone() && listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                } else if (line.startsWith(CANNOT_START)) {
                    reason = line;
                }
            }
        } catch (IOException | RuntimeException e) {
            reason = reason != null ? reason : "ModelCache proxy output could not be read: " + e;
        }
        port.completeExceptionally(new IllegalStateException(reason != null ? reason
                : "ModelCache proxy ended before it listened"));
    }

    /** The proxy's root URL, {@code http://127.0.0.1:<port>}. */
    String root() {
        return root;
    }

    /** The folder of this proxy (its cache and its log). */
    Path folder() {
        return folder;
    }

    long pid() {
        return process.pid();
    }

    private void checkHealth(String mode) {
        Object health = get("/_cache/health");
        String pid = Json.text(health, "pid");
        String running = Json.text(health, "mode");
        if (!String.valueOf(process.pid()).equals(pid) || !mode.equals(running)) {
            process.destroyForcibly();
            throw new IllegalStateException("ModelCache: the proxy on " + root + " is not the one started (pid "
                    + pid + ", mode " + running + "; expected pid " + process.pid() + ", mode " + mode + ")");
        }
    }

    /** GET of an admin path, its JSON body parsed; fails on a status other than 200. */
    Object get(String path) {
        return send(HttpRequest.newBuilder(URI.create(root + path)).GET(), path);
    }

    /** POST of an admin path without a body, its JSON body parsed. */
    Object post(String path) {
        return send(HttpRequest.newBuilder(URI.create(root + path)).POST(HttpRequest.BodyPublishers.noBody()), path);
    }

    private Object send(HttpRequest.Builder request, String path) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("ModelCache: " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return Json.parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCache proxy on " + root + " did not answer " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits (at most {@code limit}) until no exchange is under way, the store step of answers already sent
     * included, so that an export finds every answer the tests got.
     */
    void awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Object inFlight = Json.field(get("/_cache/health"), "inFlight");
            if (!(inFlight instanceof Number n) || n.longValue() <= 0) {
                return;
            }
            try {
                Thread.sleep(20); // an external process's state, polled: there is no event to await across processes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * {@code java -jar modelcache.war export --to <to> --namespace <namespace> [--clean]} on this proxy's cache
     * folder, with its settings (the ignored fields, redactions and dropped headers shape the files); its summary
     * line. Fails with the command's output when it fails.
     */
    String export(Path to, String namespace, boolean clean) {
        List<String> args = new ArrayList<>(List.of("export", "--to", to.toString(), "--namespace", namespace));
        if (clean) {
            args.add("--clean");
        }
        try {
            Process export = command(war, environment, args.toArray(String[]::new)).redirectErrorStream(true).start();
            export.getOutputStream().close();
            String output = new String(export.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int status = export.waitFor();
            if (status != 0) {
                throw new IllegalStateException("ModelCache: exporting namespace " + namespace + " to " + to
                        + " failed (exit " + status + "): " + output);
            }
            String[] lines = output.split("\n");
            return lines[lines.length - 1];
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCache: export to " + to + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the export", e);
        }
    }

    /** Stops the proxy: its standard input closed (it stops as on Ctrl-C), then SIGTERM, then SIGKILL. */
    @Override
    public void close() {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // Closed already: the proxy is on its way out.
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Children.remove(process);
        }
    }

    static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * The children still running, stopped by a shutdown hook when the run ends without closing JUnit's store (a
     * {@code System.exit} in a test). A kill -9 of this JVM runs no hook: then the closed standard input stops them.
     */
    private static final class Children {
        private static final List<Process> RUNNING = new ArrayList<>();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(Children::stopAll, "modelcache-children"));
        }

        static synchronized void add(Process process) {
            RUNNING.add(process);
        }

        static synchronized void remove(Process process) {
            RUNNING.remove(process);
        }

        private static synchronized void stopAll() {
            RUNNING.forEach(Process::destroy);
        }
    }
}
