package dev.modelcache.cluster;

import dev.modelcache.files.FileTrees;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stripe of two Terracotta servers (an active and a passive) on loopback, run from the kit Maven unpacks
 * ({@code modelcache.it.terracottaKit}) with the running JVM's Java: free ports, one {@code cluster.cfg} naming both
 * nodes, each node's output, logs and metadata under {@code workDir}. Each server is its own {@code java} process
 * (not the kit's start script, which restarts it), so {@link #kill} is a real {@code kill -9} of the server. Both
 * are stopped by {@link #close()} and, should the test JVM end first, by a shutdown hook: nothing outlives the test.
 */
final class TerracottaStripe implements AutoCloseable {
    static final String ACTIVE = "Moved to State[ ACTIVE-COORDINATOR ]";
    static final String PASSIVE = "Moved to State[ PASSIVE-STANDBY ]";
    /** The server's offheap resource, as ClusteredTier expects it; the tiers of the test take a few MB of it. */
    private static final String OFFHEAP = "main:64MB";

    private final Path kit;
    private final Path workDir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Thread hook = new Thread(this::destroyAll, "terracotta-stripe-stop");

    TerracottaStripe(Path kit, Path workDir) throws IOException {
        if (!Files.isRegularFile(kit.resolve("server/lib/tc.jar"))) {
            throw new IllegalStateException("no Terracotta kit at " + kit + " (Maven unpacks it at pre-integration-test)");
        }
        this.kit = kit;
        this.workDir = Files.createDirectories(workDir);
        List<Integer> free = freePorts(4);
        ports.put("n1", free.get(0));
        ports.put("n2", free.get(2));
        StringBuilder cfg = new StringBuilder()
                .append("cluster-name=modelcache-it\n")
                .append("failover-priority=availability\n")
                .append("client-reconnect-window=20s\n")
                .append("client-lease-duration=20s\n")
                .append("offheap-resources=").append(OFFHEAP).append('\n')
                .append("stripe-names=stripe\n")
                .append("stripe:node-names=n1,n2\n");
        int i = 0;
        for (String node : ports.keySet()) {
            Path dir = workDir.resolve(node);
            cfg.append(node).append(":hostname=127.0.0.1\n")
                    .append(node).append(":bind-address=127.0.0.1\n")
                    .append(node).append(":group-bind-address=127.0.0.1\n")
                    .append(node).append(":port=").append(free.get(i)).append('\n')
                    .append(node).append(":group-port=").append(free.get(i + 1)).append('\n')
                    .append(node).append(":log-dir=").append(dir.resolve("logs")).append('\n')
                    .append(node).append(":metadata-dir=").append(dir.resolve("metadata")).append('\n');
            i += 2;
        }
        Files.writeString(workDir.resolve("cluster.cfg"), cfg, StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Loopback ports free now (a server binds them a moment later; a clash fails the start loudly). */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> found = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                found.add(socket.getLocalPort());
            }
            return found;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Starts both servers and waits until one is active and the other its passive. */
    void start(Duration timeout) throws IOException, InterruptedException {
        for (String node : ports.keySet()) {
            start(node);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active() == null || passive() == null) {
            checkRunning();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the stripe did not form within " + timeout + "; see " + workDir);
            }
            Thread.sleep(200);
        }
    }

    /** Starts (or starts again) {@code node}, its output appended to {@code <workDir>/<node>.out}. */
    void start(String node) throws IOException {
        Path out = workDir.resolve(node + ".out");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xms32m", "-Xmx256m",
                "-XX:MaxDirectMemorySize=256m", "-Dtc.install-root=" + kit.resolve("server"),
                "-jar", kit.resolve("server/lib/tc.jar").toString(),
                "-f", workDir.resolve("cluster.cfg").toString(), "-n", node, "--auto-activate",
                "-r", workDir.resolve(node).resolve("config").toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        // Marks where this run's output begins, so that the states read are this run's.
        Files.writeString(out, "\n=== start " + node + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        processes.put(node, builder.start());
    }

    private void checkRunning() throws IOException {
        for (Map.Entry<String, Process> entry : processes.entrySet()) {
            if (!entry.getValue().isAlive() && !killed(entry.getKey())) {
                throw new IllegalStateException("Terracotta server " + entry.getKey() + " exited with "
                        + entry.getValue().exitValue() + ": " + tail(entry.getKey()));
            }
        }
    }

    private final java.util.Set<String> killed = new java.util.HashSet<>();

    private boolean killed(String node) {
        return killed.contains(node);
    }

    /** The running node whose latest state is active, or null. */
    String active() throws IOException {
        return nodeIn(ACTIVE);
    }

    /** The running node whose latest state is passive standby, or null. */
    String passive() throws IOException {
        return nodeIn(PASSIVE);
    }

    private String nodeIn(String state) throws IOException {
        for (Map.Entry<String, Process> entry : processes.entrySet()) {
            if (entry.getValue().isAlive() && state.equals(latestState(entry.getKey()))) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** The last "Moved to State[...]" line of the node's current run. */
    private String latestState(String node) throws IOException {
        String output = currentRun(node);
        int at = output.lastIndexOf("Moved to State[");
        if (at < 0) {
            return null;
        }
        int end = output.indexOf(']', at);
        return end < 0 ? null : output.substring(at, end + 1);
    }

    private String currentRun(String node) throws IOException {
        Path out = workDir.resolve(node + ".out");
        if (!Files.exists(out)) {
            return "";
        }
        String output = Files.readString(out, StandardCharsets.ISO_8859_1);
        int start = output.lastIndexOf("=== start " + node);
        return start < 0 ? output : output.substring(start);
    }

    private String tail(String node) throws IOException {
        String output = currentRun(node);
        return output.substring(Math.max(0, output.length() - 2000));
    }

    /** Kills {@code node} as {@code kill -9} does, and waits until it is gone. */
    void kill(String node) throws InterruptedException {
        killed.add(node);
        Process process = processes.get(node);
        process.destroyForcibly();
        process.waitFor();
    }

    /** Kills every server still running: the whole stripe is gone. */
    void killAll() throws InterruptedException {
        for (String node : processes.keySet()) {
            kill(node);
        }
    }

    /**
     * Starts the whole stripe again, empty (the open-source server keeps its data in memory only: a stripe
     * restarted whole has lost every entry), and waits until it has an active and a passive.
     */
    void restartEmpty(Duration timeout) throws IOException, InterruptedException {
        for (String node : ports.keySet()) {
            FileTrees.delete(workDir.resolve(node).resolve("config"));
            FileTrees.delete(workDir.resolve(node).resolve("metadata"));
        }
        killed.clear();
        start(timeout);
    }

    /** Waits until {@code node} is the active server (after its passive's failover). */
    void awaitActive(String node, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!node.equals(active())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(node + " did not become active within " + timeout + ": " + tail(node));
            }
            Thread.sleep(100);
        }
    }

    /** {@code terracotta://127.0.0.1:<n1>,127.0.0.1:<n2>/<name>}: the stripe, as cache/clusterUri names it. */
    URI uri(String name) {
        StringBuilder servers = new StringBuilder();
        for (int port : ports.values()) {
            servers.append(servers.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        return URI.create("terracotta://" + servers + "/" + name);
    }

    Path workDir() {
        return workDir;
    }

    private void destroyAll() {
        for (Process process : processes.values()) {
            process.destroyForcibly();
        }
        for (Process process : processes.values()) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs, or ran, anyway.
        }
    }
}
