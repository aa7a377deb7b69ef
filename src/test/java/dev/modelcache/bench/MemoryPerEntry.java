package dev.modelcache.bench;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.files.FileTrees;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.ehcache.CachedResponseBytes;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Part {@code memory} (issue 19, item 1): the heap an entry keeps, after loading 100k entries as the proxy stores them.
 * Two stores, one after the other, each measured as heap used after full GCs with its entries minus the same store
 * open and empty, divided by the count:
 * <ul>
 *   <li>the proxy's store ({@link EhcacheResponseStore#durable}: the record's files and index behind Ehcache), each
 *       entry put with its {@link RequestRecord} and then read once, as a hit does, so that Ehcache holds it on heap
 *       (a put goes to Ehcache's authority, the disk tier; a read faults it into the heap tier);</li>
 *   <li>the Ehcache tiers alone ({@link EhcacheResponseStore}), to tell the heap tier's cost from the record index's.</li>
 * </ul>
 * The heap tier is sized to hold every entry ({@code heapMB} 400; the default 32 holds ~20k such entries), the disk
 * tier 1 GB. Folders go to /dev/shm when it exists, so the record's fsyncs cost little: the files' place does not
 * change the heap. The payload is the answer's body plus the request's body (the record keeps the request). Run in
 * its own JVM with a fixed heap (bench/parts/memory.sh).
 */
public final class MemoryPerEntry {
    private static final String CHAT = "/v1/chat/completions";
    private static final Headers REQUEST_HEADERS = Headers.of("Content-Type", "application/json",
            "Authorization", "Bearer sk-proj-benchmarkbenchmark");

    private final ModelProvider provider;
    private final CacheKeyFactory keys = new CacheKeyFactory("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private final int requestBytes;

    private MemoryPerEntry(int requestBytes) {
        this.requestBytes = requestBytes;
        provider = ProviderTable.create(Config.from(Settings.of(Map.of("providers/openai/baseUrl", "https://api.openai.com",
                "providers/openai/models", "gpt-*"))), new TokenCounter()).resolve("gpt-4o-mini");
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int requestBytes = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        long heapKB = 400 * 1024;
        new MemoryPerEntry(requestBytes).run(entries, heapKB);
    }

    private void run(int entries, long heapKB) throws Exception {
        Path parent = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm") : null;
        long answer = UnitBodies.answer(1).length;
        long request = UnitBodies.request(requestBytes, 1).length;
        long value = CachedResponseBytes.encode(response(1)).length;
        long payload = answer + request;
        double goal = 1.25 * payload + 300;
        UnitReport report = new UnitReport("memory", "Retained heap per cached entry (" + entries + " entries)");

        Path dir = parent == null ? Files.createTempDirectory("modelcache-memory") : Files.createTempDirectory(parent, "modelcache-memory");
        try {
            long[] durable;
            try (DurableResponseStore store = EhcacheResponseStore.durable(dir, heapKB, 0, 1024, Duration.ZERO, Long.MAX_VALUE)) {
                durable = measure(entries, (key, record, response) -> store.put(key, record, response),
                        key -> store.get(key).orElseThrow(() -> new IllegalStateException("lost " + key)));
                report.environment().put("durableStoreEntries", store.stats().entries());
                report.environment().put("durableStoreTierEvictions", store.stats().tierEvictions());
            }
            FileTrees.delete(dir);
            Files.createDirectories(dir);
            long[] tier;
            try (EhcacheResponseStore store = new EhcacheResponseStore(dir, heapKB, 0, 1024, Duration.ZERO)) {
                tier = measure(entries, (key, record, response) -> store.put(key, response),
                        key -> store.get(key).orElseThrow(() -> new IllegalStateException("lost " + key)));
                report.environment().put("tierAloneEvictions", store.evictions());
            }
            double perEntry = (double) durable[1] / entries;
            report.row("retained heap per entry, the proxy's store (record index + Ehcache heap tier)", perEntry, "bytes",
                    String.format("<= 1.25 x payload + 300 B = %.0f B", goal), perEntry <= goal,
                    "each entry put with its request record, then read once (a hit) so Ehcache holds it on heap");
            report.row("payload per entry (answer body + request body)", payload, "bytes",
                    answer + " B answer + " + request + " B request (UnitBodies)");
            report.row("Ehcache value per entry (CachedResponseBytes)", value, "bytes", "the bytes the tiers keep per answer");
            report.row("retained heap per entry, the proxy's store, after the puts only (before any read)",
                    (double) durable[0] / entries, "bytes", "the heap tier is filled by reads; a put goes to the disk tier");
            report.row("retained heap per entry, Ehcache tiers alone (after put + read)", (double) tier[1] / entries, "bytes",
                    "no record index");
            report.row("retained heap per entry, Ehcache tiers alone, after the puts only", (double) tier[0] / entries, "bytes", null);
            report.environment().put("heapTier", "cache/heapMB " + heapKB / 1024 + " (byte-sized, as the default), cache/diskMB 1024");
            report.environment().put("folder", dir.getParent().toString());
            report.environment().put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList().toString());
        } finally {
            FileTrees.delete(dir);
        }
        report.write();
    }

    interface Put {
        void put(CacheKey key, RequestRecord record, CachedResponse response);
    }

    interface Get {
        void get(CacheKey key);
    }

    /** Heap the entries keep after the puts, and after the puts and one read each: {@code [afterPut, afterRead]}. */
    private long[] measure(int entries, Put put, Get get) throws InterruptedException {
        for (int i = -200; i < 0; i++) { // load every class the measured loop uses, outside the baseline
            RequestRecord record = record(i);
            put.put(keys.create(record), record, response(i));
            get.get(keys.create(record));
        }
        long before = usedAfterGc();
        for (int i = 0; i < entries; i++) {
            RequestRecord record = record(i);
            put.put(keys.create(record), record, response(i));
        }
        long afterPut = usedAfterGc();
        for (int i = 0; i < entries; i++) {
            get.get(keys.create(record(i)));
        }
        long afterRead = usedAfterGc();
        System.err.printf("before %d MB, after puts %d MB, after reads %d MB%n", before >> 20, afterPut >> 20, afterRead >> 20);
        return new long[] {afterPut - before, afterRead - before};
    }

    private RequestRecord record(int i) {
        Exchange exchange = new Exchange("POST", CHAT, null, REQUEST_HEADERS, UnitBodies.request(requestBytes, i));
        return RequestRecord.of(provider, exchange, keys, "");
    }

    /** The answer as the proxy stores it: body, its one chunk, the stored header fields, usage from the answer. */
    private static CachedResponse response(int i) {
        byte[] body = UnitBodies.answer(i);
        return new CachedResponse(200, Headers.of("content-type", "application/json", "x-request-id",
                "req_" + Integer.toHexString(i) + "9f0c2b7a4e61d8", "openai-processing-ms", "412"), body,
                List.of(new Chunk(body.length, 0)), System.currentTimeMillis(), new Usage(412, 131, false), "openai", "gpt-4o-mini");
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
