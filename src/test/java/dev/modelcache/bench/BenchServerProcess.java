package dev.modelcache.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchServer} in a JVM of its own, pinned to the server core, with a fresh cache folder; its standard error
 * (where the launcher's access log writes, one line per exchange, as it does in production under a service manager)
 * goes to a file. Closing it closes the server's standard input, which stops it.
 */
final class BenchServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    final int port;

    private BenchServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static BenchServerProcess start(List<String> pin, String classpath, Path work, String name, int port,
                                    Path answer, Path request, int streamEvents, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path folder = Files.createDirectories(work.resolve(name));
        List<String> command = new ArrayList<>(pin);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, BenchServer.class.getName(), String.valueOf(port), answer.toString(),
                request.toString(), String.valueOf(streamEvents)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(folder.resolve("stderr.log").toFile());
        builder.environment().put("MODELCACHE_CACHE_DIR", folder.resolve("cache").toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        BenchServerProcess server = new BenchServerProcess(process, folder.resolve("stderr.log"), port);
        // Killed by the harness's timeout, this JVM's child would still stop when its standard input closes; this is sooner.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "bench-server-stop"));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder said = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            said.append(line).append('\n');
            if (line.startsWith("READY ")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // The server ended.
                    }
                }, "bench-server-stdout");
                drain.setDaemon(true);
                drain.start();
                return server;
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
        throw new IOException("the bench server ended before it was ready: " + said + server.tail(40));
    }

    /** The last lines of the server's standard error. */
    String tail(int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Lines the server wrote on standard error (the access log's among them). */
    long logLines() throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.count();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The server's own process id (for a profiler). */
    long pid() {
        return process.pid();
    }
}
