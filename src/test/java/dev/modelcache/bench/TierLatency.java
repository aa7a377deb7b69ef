package dev.modelcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.bench.MissHttp.Answer;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Part {@code tiers} (issue 19, item 1), the load side: a hit from Ehcache's heap tier, from its disk tier, and from
 * the durable record after a restart, each through the real HTTP path at concurrency 1 (HdrHistogram, microseconds).
 * The proxy ({@link MissTierServer}) runs with {@code cache/heapMB=0} and {@code cache/heapEntries=1}: the heap tier
 * holds the one entry read last, so
 * <ul>
 *   <li>a <b>heap hit</b> is entry 0 read again and again (the first read of each block, which faults it back in,
 *       is not counted);</li>
 *   <li>a <b>disk-tier hit</b> is entries 1..N-1 read in turn, never one twice in a row: each read misses the heap
 *       (which holds the previous entry) and is answered by the disk tier. {@code /_cache/stats}'s {@code store}
 *       counters confirm every read was a tier hit ({@code tierHits}) and none a record hit ({@code recordHits});</li>
 *   <li>a <b>record hit after a restart</b>: the server is killed (SIGKILL, as a crash, so Ehcache's tiers start
 *       empty) and a new proxy opens the same folder; each of entries 1..N-1 is read once, its first read, answered
 *       from its record file ({@code recordHits} confirms it). The new JVM is warmed first with heap hits on entry 0
 *       and with the first reads of the upper half of the entries, which are not counted.</li>
 * </ul>
 * Phase {@code tiers} loads the entries (misses) and measures the first two in 5 rounds (a heap block, a disk
 * block); phase {@code restart} the third in 3 rounds, each beside a heap block of the new process, and writes
 * {@code $BENCH_OUT/tiers.json}. Every figure is the median of its rounds' (a ratio is taken within a round). Arguments: the phase, the port file, the state file between phases.
 */
public final class TierLatency {
    private static final long SEED = 7_000_000;
    private static final int BODY_BYTES = 1024;
    private static final int ROUNDS = 5;
    private final MissHttp http = new MissHttp();
    private final URI chat;
    private final int proxyPort;

    private TierLatency(int proxyPort) {
        this.proxyPort = proxyPort;
        this.chat = MissHttp.uri(proxyPort, MissHttp.CHAT);
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> ports = MissHttp.ports(Path.of(args[1]));
        int entries = Integer.parseInt(System.getenv().getOrDefault("TIER_ENTRIES", "3000"));
        TierLatency tiers = new TierLatency(ports.get("proxy"));
        if (args[0].equals("tiers")) {
            tiers.tiers(entries, Path.of(args[2]));
        } else {
            tiers.restart(entries, Path.of(args[2]));
        }
    }

    private void tiers(int entries, Path state) throws Exception {
        for (int i = 0; i < entries; i++) {
            expect(http.post(chat, body(i)), "MISS");
        }
        int[] next = {1};
        for (int round = 0; round < 4; round++) { // warm-up
            heapBlock(300, null);
            diskBlock(300, entries, next, null);
        }
        JsonNode before = http.storeStats(proxyPort);
        int reads = 0;
        double[][] rounds = new double[5][];
        for (int round = 0; round < ROUNDS; round++) {
            Histogram heap = histogram();
            Histogram disk = histogram();
            reads += heapBlock(1000, heap);
            reads += diskBlock(1000, entries, next, disk);
            rounds[0] = append(rounds[0], ms(heap, 50));
            rounds[1] = append(rounds[1], ms(heap, 99));
            rounds[2] = append(rounds[2], ms(disk, 50));
            rounds[3] = append(rounds[3], ms(disk, 99));
            rounds[4] = append(rounds[4], ms(disk, 50) / ms(heap, 50));
        }
        JsonNode after = http.storeStats(proxyPort);
        Properties out = new Properties();
        String[] names = {"heap.p50", "heap.p99", "disk.p50", "disk.p99", "disk.heap.p50"};
        for (int i = 0; i < names.length; i++) {
            out.setProperty(names[i], "" + median(rounds[i]));
        }
        out.setProperty("count", "" + ROUNDS * 1000);
        out.setProperty("reads", "" + reads);
        out.setProperty("tierHits", "" + (after.path("tierHits").asLong() - before.path("tierHits").asLong()));
        out.setProperty("recordHits", "" + (after.path("recordHits").asLong() - before.path("recordHits").asLong()));
        try (Writer writer = Files.newBufferedWriter(state)) {
            out.store(writer, "tiers, phase 1: medians of " + ROUNDS + " rounds");
        }
    }

    private void restart(int entries, Path state) throws Exception {
        Properties phase1 = new Properties();
        try (Reader reader = Files.newBufferedReader(state)) {
            phase1.load(reader);
        }
        JsonNode before = http.storeStats(proxyPort);
        for (int i = 0; i < 3000; i++) { // warm the new JVM on the tiers' path
            expect(http.post(chat, body(0)), "HIT");
        }
        int half = entries / 2;
        for (int i = half; i < entries; i++) { // and on the record's path, first reads not counted
            expect(http.post(chat, body(i)), "HIT");
        }
        double[] recordP50 = null;
        double[] recordP99 = null;
        double[] heapP50 = null;
        double[] ratio = null;
        int perRound = (half - 1) / 3;
        long measured = 0;
        long heapReads = 0;
        for (int round = 0; round < 3; round++) {
            Histogram record = histogram();
            for (int i = 1 + round * perRound; i < 1 + (round + 1) * perRound; i++) {
                long start = System.nanoTime();
                expect(http.post(chat, body(i)), "HIT");
                record.recordValue((System.nanoTime() - start) / 1000);
            }
            measured += record.getTotalCount();
            Histogram heap = histogram();
            heapReads += heapBlock(1000, heap);
            recordP50 = append(recordP50, ms(record, 50));
            recordP99 = append(recordP99, ms(record, 99));
            heapP50 = append(heapP50, ms(heap, 50));
            ratio = append(ratio, ms(record, 50) / ms(heap, 50));
        }
        JsonNode after = http.storeStats(proxyPort);
        long recordHits = after.path("recordHits").asLong() - before.path("recordHits").asLong();
        // entry 0 once (then the tiers have it, and its heap blocks are tier hits), the upper half, the measured
        long expectedRecordHits = 1 + (entries - half) + measured;

        UnitReport report = new UnitReport("tiers", "Hits from the heap tier, the disk tier and the record after a restart");
        double heap50 = Double.parseDouble(phase1.getProperty("heap.p50"));
        double disk50 = Double.parseDouble(phase1.getProperty("disk.p50"));
        double diskOverHeap = Double.parseDouble(phase1.getProperty("disk.heap.p50"));
        String rounds = "; median of " + ROUNDS + " rounds";
        report.row("heap-tier hit, p50", heap50, "ms", phase1.getProperty("count") + " hits on one entry" + rounds);
        report.row("heap-tier hit, p99", Double.parseDouble(phase1.getProperty("heap.p99")), "ms", null);
        report.row("disk-tier hit, p50", disk50, "ms", phase1.getProperty("count")
                + " hits, entries in turn with a heap tier of one entry" + rounds);
        report.row("disk-tier hit, p99", Double.parseDouble(phase1.getProperty("disk.p99")), "ms", null);
        report.row("disk-tier hit / heap hit, p50", diskOverHeap, "x", "<= 2x heap hit", diskOverHeap <= 2.0,
                "the ratio within each round, then the median");
        report.row("record hit after a restart (first read), p50", median(recordP50), "ms", measured
                + " entries, each read once after kill -9 and a new proxy over the same folder; median of 3 rounds");
        report.row("record hit after a restart (first read), p99", median(recordP99), "ms", null);
        report.row("heap-tier hit in the restarted proxy, p50", median(heapP50), "ms", "the same process's reference");
        report.row("record hit after a restart / heap hit, p50", median(ratio), "x", "the ratio within each round, then the median");
        // The store's counters that prove where the hits came from.
        report.environment().put("tierPhaseReads", Long.parseLong(phase1.getProperty("reads")));
        report.environment().put("tierPhaseTierHits", Long.parseLong(phase1.getProperty("tierHits")));
        report.environment().put("tierPhaseRecordHits", Long.parseLong(phase1.getProperty("recordHits")));
        report.environment().put("restartRecordHits", recordHits);
        report.environment().put("restartRecordHitsExpected", expectedRecordHits);
        report.environment().put("restartHeapReads", heapReads);
        report.environment().put("settings", "cache/heapMB=0, cache/heapEntries=1 (heap tier of one entry), defaults else");
        report.environment().put("client", "JDK HttpClient, HTTP/1.1 keep-alive, concurrency 1, in its own process");
        report.write();
        boolean tiersProved = phase1.getProperty("reads").equals(phase1.getProperty("tierHits"))
                && phase1.getProperty("recordHits").equals("0");
        if (!tiersProved || recordHits != expectedRecordHits) {
            throw new IllegalStateException("the hits did not come from where they should: " + report.environment());
        }
    }

    /** {@code count} hits on entry 0 (after one uncounted read that brings it onto the heap); the reads made. */
    private int heapBlock(int count, Histogram into) throws IOException, InterruptedException {
        expect(http.post(chat, body(0)), "HIT");
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            expect(http.post(chat, body(0)), "HIT");
            if (into != null) {
                into.recordValue((System.nanoTime() - start) / 1000);
            }
        }
        return count + 1;
    }

    /** {@code count} hits on entries 1..entries-1 in turn, from {@code next[0]} on; the reads made. */
    private int diskBlock(int count, int entries, int[] next, Histogram into) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            byte[] body = body(next[0]);
            next[0] = next[0] + 1 < entries ? next[0] + 1 : 1;
            long start = System.nanoTime();
            expect(http.post(chat, body), "HIT");
            if (into != null) {
                into.recordValue((System.nanoTime() - start) / 1000);
            }
        }
        return count;
    }

    private static byte[] body(int entry) {
        return UnitBodies.request("gpt-4o-mini", BODY_BYTES, SEED + entry);
    }

    private static void expect(Answer answer, String xCache) {
        if (answer.status() != 200 || !xCache.equals(answer.xCache())) {
            throw new IllegalStateException("wanted 200 with X-Cache " + xCache + ", got " + answer);
        }
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    private static double[] append(double[] values, double value) {
        double[] more = values == null ? new double[1] : java.util.Arrays.copyOf(values, values.length + 1);
        more[more.length - 1] = value;
        return more;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
