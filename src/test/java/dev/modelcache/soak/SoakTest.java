package dev.modelcache.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.store.RecordFile;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.support.FaultyUpstream;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.TestProxy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: the real proxy in front of a fault-injecting upstream ({@link FaultyUpstream}) under {@link Soak}'s
 * mixed load. In CI it runs {@value #CI_SECONDS} s at {@value #CI_CONNECTIONS} connections; the benchmark run is
 * {@code -Dmodelcache.soak.seconds=60 -Dmodelcache.soak.connections=200 -Dmodelcache.soak.out=bench/soak.txt}.
 * It passes when:
 * <ul>
 *   <li>the proxy's own code answers with zero errors (see {@link Soak}), and logged nothing at WARNING or above
 *       with an exception other than an I/O one (a client or upstream that went away is an I/O exception; a
 *       RuntimeException or an Error is the proxy's own fault);</li>
 *   <li>every stored entry (every record file) is byte-identical to what the upstream sent for its request, and no
 *       injected fault was stored;</li>
 *   <li>once the proxy and the upstream are closed, live threads, open files and heap after GC are back within
 *       {@value #THREAD_SLACK} threads, {@value #FD_SLACK} descriptors and {@value #HEAP_SLACK_MB} MB of what they were
 *       before either started.</li>
 * </ul>
 * Its figures go to {@code target/soak.txt} (or {@code modelcache.soak.out}). No timing is asserted.
 */
class SoakTest {
    static final int CI_SECONDS = 12;
    static final int CI_CONNECTIONS = 50;
    static final int THREAD_SLACK = 12;
    static final int FD_SLACK = 24;
    static final int HEAP_SLACK_MB = 64;
    /**
     * The proxy's response timeout, in seconds: long enough that a fake upstream starved of CPU on a loaded machine
     * still answers within it (a 504 for a normal request fails the soak), short enough that stalls stay cheap.
     */
    static final int RESPONSE_TIMEOUT_SECONDS = 5;
    /** A stall lasts longer than the response timeout. */
    static final long STALL_MILLIS = 7000;

    @TempDir
    Path cacheDir;

    @Test
    void mixedLoadWithInjectedFaultsLeavesNoErrorNoWrongEntryAndNoLeak() throws Exception {
        int seconds = Integer.getInteger("modelcache.soak.seconds", CI_SECONDS);
        int connections = Integer.getInteger("modelcache.soak.connections", CI_CONNECTIONS);
        Path out = Path.of(System.getProperty("modelcache.soak.out", "target/soak.txt"));
        Resources before = Resources.now();
        Run run = soak(seconds, connections);
        Resources after = Resources.now(); // the proxy, the upstream and everything they held are gone by now
        Soak soak = run.soak();
        int checked = run.checked();
        List<String> badEntries = run.badEntries();
        List<String> logged = run.logged();
        Resources idle = run.idle();
        String figures = figures(seconds, connections, soak, checked, badEntries, logged, before, idle, after);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, figures);

        assertEquals(List.of(), soak.firstErrors(), figures);
        assertEquals(List.of(), logged, figures);
        assertEquals(List.of(), badEntries, figures);
        assertTrue(checked > 0, "no entry was stored:\n" + figures);
        assertTrue(after.threads() <= before.threads() + THREAD_SLACK, "threads left behind:\n" + figures);
        assertTrue(after.fds() <= before.fds() + FD_SLACK, "open files left behind:\n" + figures);
        assertTrue(after.heapMb() <= before.heapMb() + HEAP_SLACK_MB, "heap left behind:\n" + figures);
    }

    /** What one soak left to judge; the proxy and its upstream are closed when it is returned. */
    private record Run(Soak soak, int checked, List<String> badEntries, List<String> logged, Resources idle) {
    }

    private Run soak(int seconds, int connections) throws Exception {
        LogCapture log = new LogCapture();
        log.setLevel(Level.WARNING);
        Logger root = Logger.getLogger("");
        root.addHandler(log);
        try (FaultyUpstream upstream = FaultyUpstream.start(STALL_MILLIS)) {
            Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), cacheDir);
            settings.put("upstream/responseTimeout", String.valueOf(RESPONSE_TIMEOUT_SECONDS));
            settings.put("cache/diskMB", "256");
            try (TestProxy proxy = TestProxy.start(settings)) {
                Soak soak = new Soak(proxy.port());
                soak.run(connections, seconds);
                proxy.events().awaitSettled();
                List<String> bad = new ArrayList<>();
                int checked = checkStored(cacheDir.resolve("records"), bad);
                Resources idle = Resources.now();
                return new Run(soak, checked, bad, proxyExceptions(log.records), idle);
            }
        } finally {
            root.removeHandler(log);
        }
    }

    /** Reads every record file; each must be an answer the upstream sent, byte for byte, to a request it answered normally. */
    private static int checkStored(Path records, List<String> bad) throws IOException {
        if (!Files.isDirectory(records)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> all = Files.walk(records)) {
            files = all.filter(p -> p.toString().endsWith(RecordFile.SUFFIX)).toList();
        }
        for (Path file : files) {
            RecordFile.Contents entry = RecordFile.read(file);
            RequestRecord request = entry.request();
            String content = FaultyUpstream.content(request.body());
            boolean stream = request.body().path("stream").asBoolean(false);
            byte[] sent = stream ? FaultyUpstream.sse(content) : FaultyUpstream.json(content);
            if (content.startsWith("f")) {
                bad.add(file.getFileName() + ": an injected fault (" + content + ") was stored");
            } else if (!Arrays.equals(sent, entry.response().body())) {
                bad.add(file.getFileName() + ": " + content + " stored " + entry.response().body().length
                        + " bytes that differ from the " + sent.length + " the upstream sent");
            }
        }
        return files.size();
    }

    /** Log records at WARNING or above that carry an exception other than an I/O one (in their whole cause chain). */
    private static List<String> proxyExceptions(List<LogRecord> records) {
        List<String> found = new ArrayList<>();
        for (LogRecord record : records) {
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                boolean own = t instanceof Error || t instanceof RuntimeException
                        && !(t instanceof java.io.UncheckedIOException) && !(t instanceof dev.modelcache.http.ProxyError);
                if (own) {
                    found.add(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage() + ": " + t);
                    break;
                }
            }
        }
        return new ArrayList<>(found.subList(0, Math.min(20, found.size())));
    }

    private static String figures(int seconds, int connections, Soak soak, int checked, List<String> bad,
                                  List<String> logged, Resources before, Resources idle, Resources after) {
        StringBuilder text = new StringBuilder();
        text.append("ModelCache soak, ").append(Instant.now()).append('\n');
        text.append("load: ").append(connections).append(" connections for ").append(seconds).append(" s, Java ")
                .append(Runtime.version()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" processors\n");
        text.append("requests: ").append(soak.requests.sum()).append(", hits (X-Cache: HIT): ").append(soak.hits.sum())
                .append('\n');
        text.append("by kind: ").append(soak.kindCounts()).append('\n');
        text.append("mean ms per exchange by kind (not asserted): ").append(soak.meanMillis()).append('\n');
        text.append("by status (\"broken\": cut or reset on purpose): ").append(soak.statusCounts()).append('\n');
        text.append("proxy errors: ").append(soak.proxyErrors.size()).append(' ').append(soak.firstErrors()).append('\n');
        text.append("logged exceptions of the proxy's own: ").append(logged.size()).append(' ').append(logged).append('\n');
        text.append("stored entries checked byte for byte: ").append(checked).append(", wrong: ").append(bad.size())
                .append(' ').append(bad.subList(0, Math.min(10, bad.size()))).append('\n');
        text.append("before:          ").append(before).append('\n');
        text.append("after, idle:     ").append(idle).append('\n');
        text.append("after, closed:   ").append(after).append('\n');
        text.append("bounds (closed vs before): threads +").append(THREAD_SLACK).append(", open files +").append(FD_SLACK)
                .append(", heap +").append(HEAP_SLACK_MB).append(" MB\n");
        return text.toString();
    }

    /** Live threads, open file descriptors (Linux: /proc/self/fd) and heap used after GC, in MB. */
    record Resources(int threads, int fds, long heapMb) {
        static Resources now() throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100); // lets finalizable sockets and exited threads go; not a timed assertion
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            String[] fds = Path.of("/proc/self/fd").toFile().list();
            return new Resources(ManagementFactory.getThreadMXBean().getThreadCount(), fds == null ? -1 : fds.length, heap);
        }

        @Override
        public String toString() {
            return "threads " + threads + ", open files " + fds + ", heap after GC " + heapMb + " MB";
        }
    }
}
