package dev.modelcache.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher ({@code dev.modelcache.launcher.Launcher}, what {@code java -jar modelcache.war} runs) in a process of
 * its own, with default settings apart from its port (0 unless {@code STREAM_BENCH_PORT} is set: the real one is
 * read from its start line), a fresh cache folder and the OpenAI provider's base URL pointed at the fake upstream.
 * No JVM option is added; where {@code BENCH_SERVER_CPU} is set it runs under {@code taskset -c}. Its output goes to
 * a log file. The process's resident memory and thread count are read from {@code /proc/<pid>/status}.
 */
public final class StreamProxyProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("ModelCache listening on http://localhost:(\\d+)/");

    private final Process process;
    private final Path log;
    private final int port;

    private StreamProxyProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the launcher from the project folder {@code root} and waits (up to 120 s) until it listens. */
    public static StreamProxyProcess start(Path root, String classpath, Path cacheDir, String upstreamBaseUrl, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        String cpu = System.getenv().getOrDefault("BENCH_SERVER_CPU", "");
        if (!cpu.isBlank()) {
            command.addAll(List.of("taskset", "-c", cpu));
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        command.addAll(List.of(java, "-cp", classpath,
                "-Dmodelcache.port=" + System.getenv().getOrDefault("STREAM_BENCH_PORT", "0"),
                "-Dmodelcache.cache.dir=" + cacheDir.toAbsolutePath(),
                "-Dmodelcache.providers.openai.baseUrl=" + upstreamBaseUrl,
                "-Dmodelcache.contextFile=" + root.resolve("webapp-config/context.xml"),
                "-Dmodelcache.docBase=" + root.resolve("src/main/webapp"),
                "dev.modelcache.launcher.Launcher"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("MODELCACHE_") || name.endsWith("_API_KEY"));
        Process process = builder.start();
        // A benchmark stopped half way (Ctrl-C, a kill) must not leave its launcher running.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stream-proxy-stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return new StreamProxyProcess(process, log, Integer.parseInt(m.group(1)));
            }
            if (!process.isAlive()) {
                throw new IOException("the launcher ended with exit code " + process.exitValue() + ": " + tail(text));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("the launcher did not listen within 120 s: " + tail(Files.readString(log)));
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** VmRSS in KiB, or -1 when unreadable (no /proc, or the process ended). */
    public long rssKiB() {
        return statusField("VmRSS:");
    }

    /** Threads of the process, or -1. */
    public long threads() {
        return statusField("Threads:");
    }

    private long statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public Path log() {
        return log;
    }

    private static String tail(String text) {
        return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
    }

    /** Stops the launcher (SIGTERM, then SIGKILL after 40 s: the launcher lets answers in flight drain for 30 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
