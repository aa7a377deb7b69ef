package dev.modelcache.stats;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.billing.Tokens;
import dev.modelcache.cache.ResponseStore;
import dev.modelcache.cache.StoreStats;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.events.ExchangeSummary.Spending;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.Stored;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.files.AtomicFile;
import dev.modelcache.files.FlushedFile;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * The whole picture of what the proxy did, as a listener of its events: requests by cache status, calls to
 * providers and their failures, hit ratio, tokens and dollars saved and spent (priced from the {@link PriceTable}
 * when counted), answers stored, split by provider, model, namespace and caller ({@link Totals}); counted since
 * start and, kept in {@code <cache dir>/stats.json}, since the cache was created (or since the file was first
 * written). Also the last hour a minute at a time ({@link Timeline}) and the latest exchanges
 * ({@link RecentRequests}) for the dashboard. The file is rewritten whole at most about once a second after a change
 * and on {@link #close()}; one that cannot be read is moved aside and counting starts again: bookkeeping never stops
 * the proxy.
 */
public final class UsageStats implements ProxyListener, AutoCloseable {
    static final String FILE_NAME = "stats.json";
    private static final Logger LOG = System.getLogger(UsageStats.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final PriceTable prices;
    private final ResponseStore store;
    private final Clock clock;
    private final Totals sinceStart;
    private final Totals sinceCreated;
    private final long storeFailuresBefore;
    private final Timeline timeline = new Timeline();
    private final RecentRequests recent = new RecentRequests();
    private final LongAdder inFlight = new LongAdder();
    private final FlushedFile onDisk;

    private UsageStats(PriceTable prices, ResponseStore store, Clock clock, Path file, Totals sinceCreated,
                       long storeFailuresBefore) {
        this.prices = prices;
        this.store = store;
        this.clock = clock;
        this.sinceStart = new Totals(clock.instant());
        this.sinceCreated = sinceCreated;
        this.storeFailuresBefore = storeFailuresBefore;
        this.onDisk = new FlushedFile(file, "stats", "the counters", this::encode);
    }

    /** Counters kept in memory only: since start and "since created" are the same span. */
    public static UsageStats inMemory(PriceTable prices, ResponseStore store, Clock clock) {
        return new UsageStats(prices, store, clock, null, new Totals(clock.instant()), 0);
    }

    /** The counters of {@code cacheDir}, as its last run left them. */
    public static UsageStats open(Path cacheDir, PriceTable prices, ResponseStore store, Clock clock) {
        Path file = cacheDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            try {
                JsonNode saved = JSON.readTree(Files.readAllBytes(file));
                if (saved == null || saved.path("version").asInt() != 1) {
                    throw new IOException("not a version 1 counters file");
                }
                JsonNode totals = saved.path("sinceCreated");
                return new UsageStats(prices, store, clock, file, Totals.decode(totals),
                        totals.path("storeFailures").asLong());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot read the counters " + file + " (" + e.getMessage() + "); it is moved to "
                        + file.getFileName() + ".unreadable and counting starts again");
                AtomicFile.moveAside(file);
            }
        }
        UsageStats stats = new UsageStats(prices, store, clock, file, new Totals(clock.instant()), 0);
        stats.onDisk.changed(); // writes the creation time at the first flush
        return stats;
    }

    @Override
    public void exchangeEnded(ExchangeSummary exchange) {
        BigDecimal usd = exchange.spending() == Spending.NONE ? BigDecimal.ZERO
                : prices.cost(exchange.model(), Tokens.of(exchange.usage()));
        Instant now = clock.instant();
        synchronized (this) {
            sinceStart.add(exchange, usd);
            sinceCreated.add(exchange, usd);
            timeline.add(now.toEpochMilli(), exchange, usd);
            recent.add(now, exchange, usd);
        }
        onDisk.changed();
    }

    @Override
    public synchronized void upstreamCall(UpstreamCall call) {
        for (Totals totals : new Totals[] {sinceStart, sinceCreated}) {
            totals.upstreamCalls++;
            if (call.failed()) {
                totals.upstreamErrors++;
            }
        }
        onDisk.changed();
    }

    @Override
    public synchronized void stored(Stored entry) {
        for (Totals totals : new Totals[] {sinceStart, sinceCreated}) {
            totals.stored++;
            totals.storedBytes += Math.max(0, entry.bodyBytes());
        }
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

    /** Everything since the proxy started. */
    public ObjectNode sinceStart() {
        StoreStats now = store.stats();
        synchronized (this) {
            return sinceStart.toJson(now.entries(), now.bytes(), failures(now), inFlight.sum());
        }
    }

    /** Everything since the cache was created (since start when the counters are not kept in a file). */
    public ObjectNode sinceCreated() {
        StoreStats now = store.stats();
        synchronized (this) {
            return sinceCreated.toJson(now.entries(), now.bytes(), storeFailuresBefore + failures(now), inFlight.sum());
        }
    }

    /** The last hour, a minute at a time. */
    public synchronized ObjectNode timeline() {
        return timeline.toJson(clock.millis());
    }

    /** The newest {@code limit} exchanges, newest first. */
    public synchronized ObjectNode recent(int limit) {
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
        synchronized (this) {
            ObjectNode root = JSON.createObjectNode();
            root.put("version", 1);
            root.set("sinceCreated", sinceCreated.encode(failures));
            return JSON.writeValueAsBytes(root);
        }
    }

    /** Stops the periodic writes and writes the counters a last time. */
    @Override
    public void close() {
        onDisk.close();
    }
}
