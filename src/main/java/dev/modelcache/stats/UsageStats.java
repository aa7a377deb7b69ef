package dev.modelcache.stats;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.StoreStats;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.Stored;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.files.AtomicFile;
import dev.modelcache.files.FlushedFile;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * The whole picture of what the proxy did, as the one listener that counts its events: requests by cache status,
 * calls to providers and their failures, hit ratio, tokens and dollars saved and spent (the dollars each summary
 * carries, priced once by the pipeline; exchanges of a model without a price counted as {@code unpriced}), answers
 * stored, split by provider, model, namespace and caller ({@link Totals}); counted since
 * start and, kept in {@code <cache dir>/stats.json}, since the cache was created (or since the file was first
 * written). Also the last hour a minute at a time ({@link Timeline}) and the latest exchanges
 * ({@link RecentRequests}) for the dashboard, and the flat counters since start that {@code /_cache/stats} showed
 * first ({@link #snapshot()}). The file is rewritten whole at most about once a second after a change and on
 * {@link #close()}; one that cannot be read is moved aside and counting starts again: bookkeeping never stops the
 * proxy. No lock on the way of an exchange: every count is striped ({@link java.util.concurrent.atomic.LongAdder}) or
 * swapped in by compare-and-set, and the rows of the latest exchanges are built when read, so request threads count at
 * once; a reader may see one exchange's counts half added (the next read has them all).
 */
public final class UsageStats implements ProxyListener, AutoCloseable {
    static final String FILE_NAME = "stats.json";
    private static final Logger LOG = System.getLogger(UsageStats.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final ResponseStore store;
    private final Clock clock;
    private final Totals sinceStart;
    private final Totals sinceCreated;
    private final long storeFailuresBefore;
    private final Timeline timeline = new Timeline();
    private final RecentRequests recent = new RecentRequests();
    private final LongAdder inFlight = new LongAdder();
    private final FlushedFile onDisk;

    /**
     * The flat counters since start, as {@code /_cache/stats} shows them at its top level for scripts that read them
     * before the breakdowns came: requests (proxied exchanges that ended; admin requests are not counted); hits
     * (answered from the cache, including requests that waited for an identical one in flight, which
     * {@code coalesced} counts apart); misses, refreshes, bypasses (answered by the provider, by {@code X-Cache}
     * status); upstreamCalls and, of those, upstreamErrors (failed to connect, timed out or broke off); stored
     * (answers written); savedPromptTokens and savedCompletionTokens (what the hits would have cost); inFlight (a
     * gauge: upstream calls under way that identical requests may wait on).
     */
    public record Snapshot(long requests, long hits, long misses, long refreshes, long bypasses, long coalesced,
                           long upstreamCalls, long upstreamErrors, long stored, long savedPromptTokens,
                           long savedCompletionTokens, long inFlight) {
    }

    private UsageStats(ResponseStore store, Clock clock, Path file, Totals sinceCreated, long storeFailuresBefore) {
        this.store = store;
        this.clock = clock;
        this.sinceStart = new Totals(clock.instant());
        this.sinceCreated = sinceCreated;
        this.storeFailuresBefore = storeFailuresBefore;
        this.onDisk = new FlushedFile(file, "stats", "the counters", this::encode);
    }

    /** Counters kept in memory only: since start and "since created" are the same span. */
    public static UsageStats inMemory(ResponseStore store, Clock clock) {
        return new UsageStats(store, clock, null, new Totals(clock.instant()), 0);
    }

    /** The counters of {@code cacheDir}, as its last run left them. */
    public static UsageStats open(Path cacheDir, ResponseStore store, Clock clock) {
        Path file = cacheDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            try {
                JsonNode saved = JSON.readTree(Files.readAllBytes(file));
                if (saved == null || saved.path("version").asInt() != 1) {
                    throw new IOException("not a version 1 counters file");
                }
                JsonNode totals = saved.path("sinceCreated");
                return new UsageStats(store, clock, file, Totals.decode(totals),
                        totals.path("storeFailures").asLong());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot read the counters " + file + " (" + e.getMessage() + "); it is moved to "
                        + file.getFileName() + ".unreadable and counting starts again");
                AtomicFile.moveAside(file);
            }
        }
        UsageStats stats = new UsageStats(store, clock, file, new Totals(clock.instant()), 0);
        stats.onDisk.changed(); // writes the creation time at the first flush
        return stats;
    }

    @Override
    public void exchangeEnded(ExchangeSummary exchange) {
        Instant now = clock.instant();
        sinceStart.add(exchange);
        sinceCreated.add(exchange);
        timeline.add(now.toEpochMilli(), exchange);
        recent.add(now, exchange);
        onDisk.changed();
    }

    @Override
    public void upstreamCall(UpstreamCall call) {
        sinceStart.upstreamCall(call.failed());
        sinceCreated.upstreamCall(call.failed());
        onDisk.changed();
    }

    @Override
    public void stored(Stored entry) {
        sinceStart.stored(entry.bodyBytes());
        sinceCreated.stored(entry.bodyBytes());
        onDisk.changed();
    }

    @Override
    public void flightStarted() {
        inFlight.increment();
    }

    @Override
    public void flightEnded() {
        inFlight.decrement();
    }

    /** The flat counters since start (see {@link Snapshot}). */
    public Snapshot snapshot() {
        Tally all = sinceStart.all;
        return new Snapshot(all.requests(), all.hits(), all.misses(), all.refreshes(), all.bypasses(),
                all.coalesced(), sinceStart.upstreamCalls.sum(), sinceStart.upstreamErrors.sum(),
                sinceStart.stored.sum(), all.savedInputTokens(), all.savedOutputTokens(), inFlight.sum());
    }

    /** {@link #snapshot()} as {@code /_cache/stats} shows it at its top level. */
    public ObjectNode counters() {
        return JSON.valueToTree(snapshot());
    }

    /** Everything since the proxy started. */
    public ObjectNode sinceStart() {
        StoreStats now = store.stats();
        return sinceStart.toJson(now.entries(), now.bytes(), failures(now), inFlight.sum());
    }

    /** Everything since the cache was created (since start when the counters are not kept in a file). */
    public ObjectNode sinceCreated() {
        StoreStats now = store.stats();
        return sinceCreated.toJson(now.entries(), now.bytes(), storeFailuresBefore + failures(now), inFlight.sum());
    }

    /** The last hour, a minute at a time. */
    public ObjectNode timeline() {
        return timeline.toJson(clock.millis());
    }

    /** The newest {@code limit} exchanges, newest first. */
    public ObjectNode recent(int limit) {
        return recent.toJson(limit);
    }

    private static long failures(StoreStats stats) {
        return stats.writeFailures() + stats.readFailures() + stats.tierFailures();
    }

    /** Writes the counters now if they changed since they were last written. */
    public void flush() throws IOException {
        onDisk.flush();
    }

    private byte[] encode() throws IOException {
        long failures = storeFailuresBefore + failures(store.stats());
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.set("sinceCreated", sinceCreated.encode(failures));
        return JSON.writeValueAsBytes(root);
    }

    /** Stops the periodic writes and writes the counters a last time. */
    @Override
    public void close() {
        onDisk.close();
    }
}
