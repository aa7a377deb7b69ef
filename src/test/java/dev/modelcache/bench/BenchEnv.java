package dev.modelcache.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the harness (bench/run) hands a part, by the parts' contract: {@code BENCH_OUT} (the folder for
 * {@code <part>.json}), {@code BENCH_CP} (the file holding the test class path), {@code BENCH_SHORT} (1 in the CI guard's
 * short run), {@code BENCH_SERVER_CPU} and {@code BENCH_LOAD_CPU} (cores for {@code taskset -c}, empty without
 * taskset). This part's own knobs: {@code BENCH_PORT_BASE} (default 19200; the hit parts use the next ten ports),
 * {@code BENCH_ROUNDS} and {@code BENCH_SECONDS} (override the rounds and their length).
 */
record BenchEnv(Path out, String classpath, boolean isShort, String serverCpu, String loadCpu, int portBase,
                Integer roundsOverride, Double secondsOverride) {

    static BenchEnv fromEnvironment() throws IOException {
        Map<String, String> env = System.getenv();
        String cpFile = env.get("BENCH_CP");
        if (cpFile == null || cpFile.isBlank()) {
            throw new IllegalStateException("BENCH_CP is not set: run this part through bench/run");
        }
        String rounds = env.getOrDefault("BENCH_ROUNDS", "");
        String seconds = env.getOrDefault("BENCH_SECONDS", "");
        return new BenchEnv(Path.of(env.getOrDefault("BENCH_OUT", "target/bench")),
                Files.readString(Path.of(cpFile), StandardCharsets.UTF_8).strip(),
                "1".equals(env.get("BENCH_SHORT")), env.getOrDefault("BENCH_SERVER_CPU", "").strip(),
                env.getOrDefault("BENCH_LOAD_CPU", "").strip(),
                Integer.parseInt(env.getOrDefault("BENCH_PORT_BASE", "19200").strip()),
                rounds.isBlank() ? null : Integer.valueOf(rounds.strip()),
                seconds.isBlank() ? null : Double.valueOf(seconds.strip()));
    }

    /** The prefix that pins a server to its core, or nothing. */
    List<String> serverPin() {
        return serverCpu.isEmpty() ? List.of() : List.of("taskset", "-c", serverCpu);
    }

    /** The prefix that pins a load generator to its core, or nothing. */
    List<String> loadPin() {
        return loadCpu.isEmpty() ? List.of() : List.of("taskset", "-c", loadCpu);
    }

    int port(int offset) {
        return portBase + offset;
    }

    int rounds(int full, int forShort) {
        return roundsOverride != null ? roundsOverride : isShort ? forShort : full;
    }

    double seconds(double full, double forShort) {
        return secondsOverride != null ? secondsOverride : isShort ? forShort : full;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
