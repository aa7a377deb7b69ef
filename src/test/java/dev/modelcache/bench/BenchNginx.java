package dev.modelcache.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx (the OS package) serving the cached answer from a file, as the yardstick of what a fast static server spends:
 * one worker pinned with the servers, keep-alive at nginx's defaults, its access log on but buffered
 * ({@code buffer=64k flush=1s}, as a busy nginx is configured: one unbuffered write per request cost it several times
 * its latency on a machine whose disk was busy). nginx's static module answers POST with 405, so it is asked with
 * {@code GET /v1/chat/completions} for the same bytes: a request without the ~200-byte body, at nginx's best.
 */
final class BenchNginx implements AutoCloseable {
    private final Process process;
    private final int port;

    private BenchNginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The nginx binary, or null when none is installed. */
    static Path binary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    static BenchNginx start(Path binary, List<String> pin, Path work, int port, Path answer) throws IOException, InterruptedException {
        Path prefix = Files.createDirectories(work.resolve("nginx"));
        Path root = Files.createDirectories(prefix.resolve("html/v1/chat"));
        Files.copy(answer, root.resolve("completions"));
        for (Path open = root; open != null && open.startsWith(work); open = open.getParent()) {
            // The worker may run as another user (nginx drops root): it must reach the file.
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(root.resolve("completions"), PosixFilePermissions.fromString("rw-r--r--"));
        String conf = """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 4096; }
                http {
                  access_log %1$s/access.log combined buffer=64k flush=1s;
                  client_body_temp_path %1$s/body;
                  sendfile on;
                  tcp_nopush on;
                  server {
                    listen 127.0.0.1:%2$d;
                    root %1$s/html;
                    location = /v1/chat/completions { default_type application/json; }
                  }
                }
                """.formatted(prefix, port);
        Files.writeString(prefix.resolve("nginx.conf"), conf);
        List<String> command = new ArrayList<>(pin);
        command.addAll(List.of(binary.toString(), "-p", prefix.toString(), "-e", prefix.resolve("error.log").toString(),
                "-c", prefix.resolve("nginx.conf").toString(), "-g", "daemon off;"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        BenchNginx nginx = new BenchNginx(process, port);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "bench-nginx-stop"));
        for (int i = 0; i < 100; i++) {
            if (!process.isAlive()) {
                throw new IOException("nginx ended at start: " + Files.readString(prefix.resolve("stdout.log"))
                        + tail(prefix.resolve("error.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return nginx;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        nginx.close();
        throw new IOException("nginx did not listen on " + port + tail(prefix.resolve("error.log")));
    }

    private static String tail(Path log) throws IOException {
        return Files.exists(log) ? " " + Files.readString(log) : "";
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
