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
 * Phase {@code tiers} loads the entries (misses) and measures the first two; phase {@code restart} the third, and
 * writes {@code $BENCH_OUT/tiers.json}. Arguments: the phase, the port file, the state file between phases.
 */
public final class TierLatency {
    private static final long SEED = 7_000_000;
    private static final int BODY_BYTES = 1024;
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
        Histogram heap = histogram();
        Histogram disk = histogram();
        int[] next = {1};
        for (int round = 0; round < 4; round++) { // warm-up
            heapBlock(300, null);
            diskBlock(300, entries, next, null);
        }
        JsonNode before = http.storeStats(proxyPort);
        int reads = 0;
        for (int round = 0; round < 10; round++) {
            reads += heapBlock(500, heap);
            reads += diskBlock(500, entries, next, disk);
        }
        JsonNode after = http.storeStats(proxyPort);
        Properties out = new Properties();
        put(out, "heap", heap);
        put(out, "disk", disk);
        out.setProperty("reads", "" + reads);
        out.setProperty("tierHits", "" + (after.path("tierHits").asLong() - before.path("tierHits").asLong()));
        out.setProperty("recordHits", "" + (after.path("recordHits").asLong() - before.path("recordHits").asLong()));
        try (Writer writer = Files.newBufferedWriter(state)) {
            out.store(writer, "tiers, phase 1");
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
        Histogram record = histogram();
        for (int i = 1; i < half; i++) {
            long start = System.nanoTime();
            expect(http.post(chat, body(i)), "HIT");
            record.recordValue((System.nanoTime() - start) / 1000);
        }
        JsonNode after = http.storeStats(proxyPort);
        Histogram heapAfter = histogram();
        heapBlock(3000, heapAfter);

        long recordHits = after.path("recordHits").asLong() - before.path("recordHits").asLong();
        long expectedRecordHits = 1 + (entries - half) + (half - 1);
        UnitReport report = new UnitReport("tiers", "Hits from the heap tier, the disk tier and the record after a restart");
        double heapP50 = ms(phase1, "heap.p50");
        double heapP99 = ms(phase1, "heap.p99");
        double diskP50 = ms(phase1, "disk.p50");
        double diskP99 = ms(phase1, "disk.p99");
        report.row("heap-tier hit, p50", heapP50, "ms", phase1.getProperty("heap.count") + " hits on one entry");
        report.row("heap-tier hit, p99", heapP99, "ms", null);
        report.row("disk-tier hit, p50", diskP50, "ms", phase1.getProperty("disk.count")
                + " hits, entries in turn with a heap tier of one entry");
        report.row("disk-tier hit, p99", diskP99, "ms", null);
        report.row("disk-tier hit / heap hit, p50", diskP50 / heapP50, "x", "<= 2x heap hit", diskP50 / heapP50 <= 2.0, null);
        report.row("disk-tier hit / heap hit, p99", diskP99 / heapP99, "x", null);
        double recordP50 = record.getValueAtPercentile(50) / 1000.0;
        double recordP99 = record.getValueAtPercentile(99) / 1000.0;
        double heapAgainP50 = heapAfter.getValueAtPercentile(50) / 1000.0;
        report.row("record hit after a restart (first read), p50", recordP50, "ms", record.getTotalCount()
                + " entries, each read once after kill -9 and a new proxy over the same folder");
        report.row("record hit after a restart (first read), p99", recordP99, "ms", null);
        report.row("heap-tier hit in the restarted proxy, p50", heapAgainP50, "ms", "the same process's reference");
        report.row("record hit after a restart / heap hit, p50", recordP50 / heapAgainP50, "x", null);
        // The store's counters that prove where the hits came from.
        report.environment().put("tierPhaseReads", Long.parseLong(phase1.getProperty("reads")));
        report.environment().put("tierPhaseTierHits", Long.parseLong(phase1.getProperty("tierHits")));
        report.environment().put("tierPhaseRecordHits", Long.parseLong(phase1.getProperty("recordHits")));
        report.environment().put("restartRecordHits", recordHits);
        report.environment().put("restartRecordHitsExpected", expectedRecordHits);
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

    private static void put(Properties out, String name, Histogram histogram) {
        out.setProperty(name + ".p50", "" + histogram.getValueAtPercentile(50));
        out.setProperty(name + ".p99", "" + histogram.getValueAtPercentile(99));
        out.setProperty(name + ".count", "" + histogram.getTotalCount());
    }

    private static double ms(Properties phase1, String name) {
        return Long.parseLong(phase1.getProperty(name)) / 1000.0;
    }
}
