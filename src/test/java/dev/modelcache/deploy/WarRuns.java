package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import dev.modelcache.support.FakeUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test of {@code java -jar target/modelcache.war} owns, as a JUnit 5 extension (the deployment twin of
 * {@code support/ProxyExtension}): a fake provider, a fresh folder under target/it/, and every process it started.
 * After the test each process still alive gets SIGTERM, then SIGKILL after 30 s, and the provider stops. A test that
 * kills or stops its proxy itself does so on the {@link Process} it was given.
 *
 * <pre>{@code
 * @RegisterExtension
 * final WarRuns runs = new WarRuns("crash");
 * }</pre>
 */
final class WarRuns implements BeforeEachCallback, AfterEachCallback {
    static final Duration STARTUP = Duration.ofSeconds(60);

    private final String name;
    private final Function<FakeUpstream.Request, FakeUpstream.Reply> answers;
    private final List<Process> started = new ArrayList<>();
    private FakeUpstream upstream;
    private Path dir;
    private Path output;

    /** Runs whose folders are named {@code name-*}, in front of {@link Deployment#startUpstream()}'s fake provider. */
    WarRuns(String name) {
        this(name, null);
    }

    /** The same, with the fake provider answering as {@code answers} does. */
    WarRuns(String name, Function<FakeUpstream.Request, FakeUpstream.Reply> answers) {
        this.name = name;
        this.answers = answers;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        upstream = answers == null ? Deployment.startUpstream() : FakeUpstream.start().handler(answers);
        dir = Deployment.freshDir(name);
    }

    FakeUpstream upstream() {
        return upstream;
    }

    /** This test's folder (kept for diagnosis, see {@link Deployment#freshDir}). */
    Path dir() {
        return dir;
    }

    /**
     * {@code java -Xmx256m [-Djava.io.tmpdir=tmp] -jar modelcache.war args} in {@code dir/cwd} (an empty folder: the WAR
     * must not need the project's files), no MODELCACHE_* variable but {@code MODELCACHE_CACHE_DIR}, its output in a
     * new log file of the folder ({@link #output()}).
     */
    ProcessBuilder java(Path cacheDir, Path tmp, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        if (tmp != null) {
            command.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
        }
        command.addAll(List.of("-jar", Deployment.war().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        output = Files.createTempFile(dir, "output-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(Files.createDirectories(dir.resolve("cwd")).toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Deployment.clearModelCacheVariables(builder.environment());
        builder.environment().put("MODELCACHE_CACHE_DIR", cacheDir.toAbsolutePath().toString());
        return builder;
    }

    /** Starts the proxy on {@code port} in front of the fake provider and returns once it is healthy. */
    Process serve(int port, Path cacheDir, Path tmp) throws Exception {
        ProcessBuilder builder = java(cacheDir, tmp);
        builder.environment().put("MODELCACHE_PORT", String.valueOf(port));
        builder.environment().put("MODELCACHE_PROVIDERS_OPENAI_BASEURL", upstream.baseUrl());
        Process process = start(builder);
        Deployment.awaitHealthy(URI.create("http://127.0.0.1:" + port), STARTUP, process::isAlive, this::output);
        return process;
    }

    /** Starts {@code builder}'s process, stopped after the test (or when the JVM exits) unless it ended before. */
    Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        started.add(process);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }

    /** SIGTERM, as Ctrl-C or a service manager would send it; fails unless the process ends within 30 s. */
    void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("java -jar did not stop within 30 s of SIGTERM:\n" + output());
        }
    }

    /** What the last process started by {@link #java} wrote. */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (Process process : started) {
                if (process.isAlive()) {
                    process.destroy();
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            }
        } finally {
            started.clear();
            upstream.close();
        }
    }
}
