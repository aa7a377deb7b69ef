package dev.modelcache.replay;

import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.cache.RequestRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Not a test: what explaining a miss costs (every miss is explained, for {@code X-Cache-Miss-Reason}). Stores N
 * chat completions for one provider, path and model (the worst case: every entry is a candidate), then explains
 * 2,000 requests that miss, each differing from the stored ones in one message. Run with
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/test-cp.txt) dev.modelcache.replay.MissExplainerBenchmark [N ...]
 * </pre>
 * The figures go to {@code target/bench/miss-explainer.txt}; a run's figures are kept in
 * {@code bench/miss-explainer.txt}.
 */
public final class MissExplainerBenchmark {
    private MissExplainerBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int[] sizes = args.length == 0 ? new int[] {100, 1_000, 10_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        List<String> lines = new ArrayList<>();
        lines.add(Instant.now() + " java " + System.getProperty("java.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
        for (int entries : sizes) {
            Path dir = Files.createTempDirectory("modelcache-explain-bench");
            try (DurableResponseStore store = EhcacheResponseStore.durable(dir, 32 * 1024, 1000, 256, Duration.ZERO, Long.MAX_VALUE)) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < entries; i++) {
                    StoredRequests.chat().set("messages", message("question number " + i)).storeIn(store, now - i);
                }
                MissExplainer explainer = new MissExplainer(store, StoredRequests.KEYS);
                int misses = 2_000;
                long[] nanos = new long[misses];
                for (int i = 0; i < misses; i++) {
                    RequestRecord missed = StoredRequests.chat().set("messages", message("another question " + i)).record();
                    long start = System.nanoTime();
                    explainer.explain(missed);
                    nanos[i] = System.nanoTime() - start;
                }
                Arrays.sort(nanos);
                lines.add(String.format("%d entries of one model: explain a miss, median %.2f ms, p99 %.2f ms, max %.2f ms (%d misses, warm-up included)",
                        entries, nanos[misses / 2] / 1e6, nanos[misses * 99 / 100] / 1e6, nanos[misses - 1] / 1e6, misses));
            } finally {
                deleteTree(dir);
            }
        }
        Path out = Path.of("target/bench/miss-explainer.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
        lines.forEach(System.out::println);
    }

    private static String message(String text) {
        return "[{\"role\":\"user\",\"content\":\"" + text + "\"}]";
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
