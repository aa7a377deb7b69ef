package dev.modelcache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a block of requests spent its CPU, process by process (the proxies and the Terracotta servers, all on the
 * server core): user plus system time from {@code /proc/<pid>/stat}, in clock ticks of {@value #TICK_MILLIS} ms
 * (Linux's USER_HZ of 100). A block of a thousand requests takes hundreds of ticks, enough to tell per request which
 * process a clustered hit costs. The shell names the processes in a file of {@code name=pid} pairs
 * ({@code CLUSTER_PIDS}); without it, or off Linux, nothing is measured.
 */
final class ClusterCpu {
    private static final double TICK_MILLIS = 10;

    private final Map<String, Long> pids = new LinkedHashMap<>();

    ClusterCpu(String pidFile) throws IOException {
        if (pidFile == null || pidFile.isBlank() || !Files.exists(Path.of(pidFile))) {
            return;
        }
        for (String pair : Files.readString(Path.of(pidFile)).trim().split("\\s+")) {
            String[] nameAndPid = pair.split("=");
            pids.put(nameAndPid[0], Long.parseLong(nameAndPid[1]));
        }
    }

    /** Each process's CPU time so far, in ticks (absent when it cannot be read). */
    Map<String, Long> now() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (Map.Entry<String, Long> process : pids.entrySet()) {
            try {
                String stat = Files.readString(Path.of("/proc", process.getValue().toString(), "stat"));
                // After the command's closing parenthesis: state is field 3, utime 14, stime 15.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.put(process.getKey(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            } catch (IOException | RuntimeException e) {
                // Not Linux, or the process is gone: not measured.
            }
        }
        return ticks;
    }

    /** Milliseconds of CPU per request of each process between {@code before} and now, over {@code requests}. */
    Map<String, Double> perRequest(Map<String, Long> before, long requests) {
        Map<String, Double> millis = new LinkedHashMap<>();
        Map<String, Long> after = now();
        for (Map.Entry<String, Long> process : after.entrySet()) {
            Long start = before.get(process.getKey());
            if (start != null) {
                millis.put(process.getKey(), (process.getValue() - start) * TICK_MILLIS / requests);
            }
        }
        return millis;
    }
}
