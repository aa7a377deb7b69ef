package dev.modelcache;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.modelcache.admin.AdminEndpoints;
import dev.modelcache.admin.MetricsEndpoint;
import dev.modelcache.auth.ProxyKeyCheck;
import dev.modelcache.auth.ProxyKeys;
import dev.modelcache.billing.BudgetGuard;
import dev.modelcache.billing.CostLedger;
import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.billing.PriceTable;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.Redaction;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.KeySalt;
import dev.modelcache.config.Config;
import dev.modelcache.config.CacheConfig;
import dev.modelcache.config.ReplayConfig;
import dev.modelcache.events.Listeners;
import dev.modelcache.files.OwnerOnly;
import dev.modelcache.flight.FleetLeases;
import dev.modelcache.metrics.AccessLog;
import dev.modelcache.metrics.MetricsListener;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.proxy.CachingProxy;
import dev.modelcache.proxy.Forwarder;
import dev.modelcache.proxy.InFlight;
import dev.modelcache.proxy.Misses;
import dev.modelcache.proxy.StoredAnswers;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.replay.ModeSwitch;
import dev.modelcache.replay.ReplayControls;
import dev.modelcache.replay.ReplayReport;
import dev.modelcache.replay.Sequences;
import dev.modelcache.replay.cassette.CassetteStore;
import dev.modelcache.replay.cassette.Cassettes;
import dev.modelcache.replay.cassette.ImportLimits;
import dev.modelcache.servlet.AppLifecycle;
import dev.modelcache.stats.UsageStats;
import dev.modelcache.store.Rekeying;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.cluster.ClusteredTier;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.upstream.UpstreamClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * One running proxy: everything built from a {@link Config}, and closed together. The servlet container holds it
 * through {@link AppLifecycle}; tests and the launcher may build it directly.
 */
public final class ModelCache implements AutoCloseable {
    /** The servlet context attribute under which {@link AppLifecycle} keeps the running instance. */
    public static final String ATTRIBUTE = ModelCache.class.getName();
    private static final Logger LOG = System.getLogger(ModelCache.class.getName());

    private final Config config;
    private final ProviderTable providers;
    private final ResponseStore store;
    private final UpstreamClient upstream;
    private final Listeners events = new Listeners();
    private final CachingProxy proxy;
    private final AdminEndpoints admin;
    private final InFlight inFlight = new InFlight();
    private final ModeSwitch mode;
    private final ProxyKeyCheck proxyKeys;
    private final CostLedger ledger;
    private final BudgetGuard budget;
    private final UsageStats usage;
    /** The fleet's leases (one upstream call per key across instances); null without a cluster. */
    private final FleetLeases leases;
    /** Null when {@code log/access} is off. */
    private final AccessLog accessLog;

    private ModelCache(Config config, Clock clock) {
        this.config = config;
        this.proxyKeys = new ProxyKeyCheck(ProxyKeys.of(config.auth()));
        TokenCounter tokens = new TokenCounter();
        this.providers = ProviderTable.create(config, tokens);
        PriceTable prices = PriceTable.load(config.billing().pricesFile());
        Path spillDir = config.cache().dir().resolve("tmp");
        prepare(config.cache().dir(), spillDir);
        this.ledger = CostLedger.open(config.cache().dir(), prices.checked(), clock);
        events.add(ledger);
        ReplayConfig replay = config.replay();
        CacheKeyFactory keys = new CacheKeyFactory(KeySalt.of(config.cache().keySalt(), config.cache().dir()),
                replay.ignoreFields(), replay.shared(), new Redaction(replay.redact()));
        CacheConfig cache = config.cache();
        ClusteredTier cluster = cache.clusterUri() == null ? null : new ClusteredTier(cache.clusterUri(),
                cache.clusterMB(), cache.heapKB(), cache.heapEntries(), cache.ttl(), clock);
        ResponseStore durable = cluster == null
                ? EhcacheResponseStore.durable(cache.dir(), cache.heapKB(), cache.heapEntries(), cache.diskMB(),
                        cache.ttl(), cache.recordBytes(), clock)
                : cluster.durable(cache.dir(), cache.recordBytes());
        restrictStoreFiles(config.cache().dir());
        Rekeying.run(config.cache().dir(), durable, keys);
        this.store = CassetteStore.behind(durable, replay.cassettes(), keys, clock);
        this.mode = new ModeSwitch(replay.mode());
        CachePolicy policy = new CachePolicy(mode, replay.deterministicOnly(), replay.sequences());
        ReplayControls controls = new ReplayControls(mode, policy, keys, store, new Sequences(),
                new MissExplainer(store, keys), new ReplayReport(clock), replay.cassetteDropHeaders());
        this.upstream = new UpstreamClient(config.upstream(), config.admin().token());
        Forwarder forwarder = new Forwarder(upstream, events, spillDir, config.cache().maxEntryBytes());
        this.budget = BudgetGuard.open(config.billing(), config.cache().dir(), ledger, prices, tokens, clock);
        Misses misses = new Misses(controls.explainer(), controls.report(), budget);
        StoredAnswers answers = new StoredAnswers(providers, policy, keys, store, controls.sequences(), misses,
                replay.repeatLastInSequence(), clock);
        this.leases = cluster == null ? null : FleetLeases.renewed(cluster.leases(), clock);
        this.proxy = new CachingProxy(answers, forwarder, events, config.upstream().longestWaitForFirstBytes(),
                new ExchangePricing(prices), inFlight, leases);
        this.usage = UsageStats.open(config.cache().dir(), store, clock);
        events.add(usage);
        this.admin = AdminEndpoints.withReplay(usage::counters, providers, config.admin().token(), controls,
                proxyKeys, answers::explain,
                config.server().maxBodyBytes(), ImportLimits.forRecords(config.cache().maxEntryBytes(),
                        config.server().maxBodyBytes()), spillDir);
        admin.addStats("costs", ledger::report);
        admin.addStats("sinceStart", usage::sinceStart);
        admin.addStats("sinceCreated", usage::sinceCreated);
        admin.addStats("timeline", usage::timeline);
        admin.latestRequests(usage::recent);
        // Exchanges under way, the store step after a client has its answer included: a test harness waits for 0
        // before it exports what was recorded (the JUnit 5 extension does).
        admin.addHealth("inFlight", () -> IntNode.valueOf(inFlight.count()));
        if (cluster != null) {
            admin.addHealth("cluster", cluster::health);
        }
        MetricsListener metrics = new MetricsListener(store);
        events.add(metrics);
        admin.metrics(new MetricsEndpoint(metrics));
        if (config.log().access()) {
            this.accessLog = new AccessLog(config.log(), clock);
            events.add(accessLog);
            admin.addStats("accessLog", accessLog::toJson);
            metrics.countDroppedLines(accessLog);
        } else {
            this.accessLog = null;
        }
    }

    public static ModelCache start(Config config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * The same, on {@code clock}: what every lifetime, {@code max-age}, stored time, day of the ledger and budget,
     * and counter window is read from. Tests move a clock of their own instead of sleeping past a lifetime.
     */
    public static ModelCache start(Config config, Clock clock) {
        return new ModelCache(config, clock);
    }

    /**
     * Creates the cache folder and its {@code tmp} (spill files) and {@code ehcache} folders readable by this user
     * only (0700; an existing one is narrowed to that), and empties the spill folder of copies (and unpacked imports) left by a crash.
     * Ehcache's files are then out of other users' reach whatever modes Ehcache gives them.
     */
    private static void prepare(Path cacheDir, Path spillDir) {
        try {
            OwnerOnly.createDirectories(cacheDir);
            OwnerOnly.createDirectories(spillDir);
            OwnerOnly.createDirectories(cacheDir.resolve("ehcache"));
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(spillDir, "capture-*.part")) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
            Cassettes.removeUnpacked(spillDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the cache folder " + cacheDir + " (modelcache cache/dir): " + e.getMessage(), e);
        }
    }

    /**
     * Ehcache makes its own folders and files (with the process's umask) inside {@code <cache dir>/ehcache}, which
     * is already 0700; what exists once the store is open is narrowed too (0700 folders, 0600 files).
     */
    private static void restrictStoreFiles(Path cacheDir) {
        try {
            OwnerOnly.restrictTree(cacheDir.resolve("ehcache"));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot narrow the permissions of " + cacheDir.resolve("ehcache") + ": " + e.getMessage());
        }
    }

    public Config config() {
        return config;
    }

    public CachingProxy proxy() {
        return proxy;
    }

    public AdminEndpoints admin() {
        return admin;
    }

    /** The proxy-key check every proxied request passes (a no-op without {@code auth/keys}). */
    public ProxyKeyCheck proxyKeys() {
        return proxyKeys;
    }

    /** The cache mode now; it can be changed while the proxy runs. */
    public ModeSwitch mode() {
        return mode;
    }

    /** The listeners told of every exchange; the stats are one of them, and more may be added. */
    public Listeners events() {
        return events;
    }

    /** What was spent on providers and saved by the cache, per day, provider, model and caller. */
    public CostLedger ledger() {
        return ledger;
    }

    /** The counters since start and since the cache was created, the last hour and the latest exchanges. */
    public UsageStats usage() {
        return usage;
    }

    public ResponseStore store() {
        return store;
    }

    public ProviderTable providers() {
        return providers;
    }

    /** The proxied exchanges under way; a stop waits for them (see {@link #close()}). */
    public InFlight inFlight() {
        return inFlight;
    }

    /**
     * Waits up to {@code limit} for the exchanges in flight to end, so that answers being streamed are finished and
     * stored; true when none is left.
     */
    public boolean drain(Duration limit) {
        int running = inFlight.count();
        if (running == 0) {
            return true;
        }
        LOG.log(Level.INFO, "ModelCache stopping: waiting up to " + limit.toSeconds() + " s for " + running
                + " answer(s) in flight");
        boolean drained = inFlight.awaitIdle(limit);
        if (!drained) {
            LOG.log(Level.WARNING, "ModelCache stopping with " + inFlight.count() + " answer(s) still in flight after "
                    + limit.toSeconds() + " s (shutdownDrainSeconds); they are cut");
        }
        return drained;
    }

    /**
     * Drains the exchanges in flight (at most {@code shutdownDrainSeconds}), then closes the access log (its queued
     * lines written), the upstream client, the counters and the cost ledger (written a last time) and the store.
     */
    @Override
    public void close() {
        drain(config.server().shutdownDrain());
        proxy.close(); // its store steps were drained with the exchanges in flight
        try {
            if (accessLog != null) {
                accessLog.close(); // writes the queued lines and ends its thread
            }
            upstream.close();
            usage.close();
        } finally {
            try {
                if (leases != null) {
                    leases.close(); // the leases still held expire by themselves
                }
                store.close();
                restrictStoreFiles(config.cache().dir());
            } finally {
                try {
                    ledger.close();
                } finally {
                    budget.close();
                }
            }
        }
    }
}
