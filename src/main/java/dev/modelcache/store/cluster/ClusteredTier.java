package dev.modelcache.store.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.flight.LeaseStore;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.SharedMap;
import dev.modelcache.store.Tier;
import dev.modelcache.store.ehcache.CachedResponseBytes;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.ehcache.Cache;
import org.ehcache.CacheManager;

/**
 * Ehcache's clustered tier on a Terracotta server ({@code cache/clusterUri}), shared by every instance pointed at
 * it, with a heap near cache in front: the same keys (hex, salted alike by a shared {@code cache/keySalt}), the
 * same {@link CachedResponseBytes bytes} and the same lifetimes as {@link EhcacheResponseStore}. Ehcache cannot put
 * a disk tier under a clustered one, so each instance's durable record stays behind this tier as its safety net,
 * and an answer the record gives is published to the cluster by {@link DurableResponseStore}'s refill.
 *
 * <p>Consistency is STRONG: a put returns once the server holds it, and a near cache holding the old value of a key
 * is invalidated before, so two instances never serve different answers for one key.
 *
 * <p>The cluster may be unreachable at start or go away later; the proxy never stops for it. An operation that
 * fails (Ehcache is told to throw rather than hide it) marks the cluster down: until a probe, every {@link #PROBE}
 * on a thread of its own, finds it back, the tier answers misses at once, so the durable record serves this
 * instance's entries and misses go upstream without waiting for the cluster's timeouts. Each change of state is
 * logged once. A cluster unreachable at start is connected to by the same probe, and a reachable one is probed too,
 * so that {@link #health()} tells the truth while no request comes.
 */
public final class ClusteredTier implements Tier {
    private static final Logger LOG = System.getLogger(ClusteredTier.class.getName());
    /** How often a down (or never reached) cluster is tried again. */
    static final Duration PROBE = Duration.ofSeconds(1);
    private static final String PROBE_KEY = "modelcache-probe";

    /** What {@link #state()} reports: reachable, or not (at start or since a failure). */
    public enum State { CONNECTED, UNREACHABLE }

    private final URI uri;
    private final long clusterMB;
    private final long heapKB;
    private final int heapEntries;
    private final Duration ttl;
    private final Clock clock;
    private final ScheduledExecutorService prober;
    private final LongAdder failures = new LongAdder();
    private final List<Runnable> whenBack = new CopyOnWriteArrayList<>();
    private volatile CacheManager manager;
    private volatile Cache<String, byte[]> cache;
    private volatile boolean up;
    private volatile boolean closed;
    private volatile long answeredAtMillis;

    /**
     * The durable store with this tier in front: the record in {@code <cache dir>/records} (bounded by
     * {@code recordBytes}), every age and lifetime counted on the tier's clock.
     */
    public DurableResponseStore durable(Path cacheDir, long recordBytes) {
        return DurableResponseStore.open(cacheDir, this, ttl, recordBytes, clock);
    }

    /**
     * The tier on the cluster at {@code uri} (a pool of {@code clusterMB}) with a near cache on the heap of
     * {@code heapKB} (or {@code heapEntries} when that is 0). It connects, waiting up to {@link ClusterCaches#CONNECT_TIMEOUT};
     * if it cannot, it starts down and the probe keeps trying.
     */
    public ClusteredTier(URI uri, long clusterMB, long heapKB, int heapEntries, Duration ttl, Clock clock) {
        this.uri = uri;
        this.clusterMB = clusterMB;
        this.heapKB = Math.min(heapKB, clusterMB * 1024 / 2);
        this.heapEntries = heapEntries;
        this.ttl = ttl;
        this.clock = clock;
        this.prober = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "modelcache-cluster-probe");
            thread.setDaemon(true);
            return thread;
        });
        RuntimeException failure = connect();
        if (failure != null) {
            LOG.log(Level.WARNING, "the cluster at " + uri + " is unreachable (" + failure + "); this instance serves "
                    + "its own entries and sends misses upstream, and joins the cluster when it answers");
        }
        prober.scheduleWithFixedDelay(this::probe, PROBE.toMillis(), PROBE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Builds the cache manager and its cache; null when the cluster answered, else why not. */
    private RuntimeException connect() {
        CacheManager built;
        try {
            built = ClusterCaches.open(uri, clusterMB, heapKB, heapEntries, ttl, clock);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot connect to the cluster at " + uri + ": " + e);
            return e;
        }
        synchronized (this) {
            if (closed) {
                ClusterCaches.closeBounded(built, uri);
                return null;
            }
            manager = built;
            cache = ClusterCaches.responses(built);
            answeredAtMillis = clock.millis();
            up = true;
        }
        return null;
    }

    /**
     * Asks the cluster for a key, so that {@link #state()} is true also while no request comes: a never reached
     * cluster is connected to, a lost one found back, a reachable one found gone.
     */
    private void probe() {
        if (closed) {
            return;
        }
        Cache<String, byte[]> current = cache;
        if (current == null) {
            if (connect() == null && !closed) {
                LOG.log(Level.WARNING, "the cluster at " + uri + " answers: this instance now shares its entries");
                back();
            }
            return;
        }
        try {
            current.containsKey(PROBE_KEY);
            answeredAtMillis = clock.millis();
            if (!up) {
                up = true;
                LOG.log(Level.WARNING, "the cluster at " + uri + " answers again: this instance shares its entries again");
                back();
            }
        } catch (RuntimeException e) {
            lost("probe", e);
        }
    }

    /**
     * Runs {@code task} on the probe's thread each time the cluster answers after it could not be reached: the
     * budget's and the sequences' changes made meanwhile reach the cluster then, on this one health machine.
     */
    public void whenBack(Runnable task) {
        whenBack.add(task);
    }

    private void back() {
        whenBack.forEach(task -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a task run as the cluster came back failed: " + e);
            }
        });
    }

    /** The cache while the cluster answers; null while it is down (the caller treats that as a miss). */
    private Cache<String, byte[]> reachable() {
        return up ? cache : null;
    }

    /**
     * The fleet's lease map on the cluster, for {@link dev.modelcache.flight.FleetLeases}: it throws while the cluster
     * is down (then each instance coalesces alone). A failure of its own is counted, but only the tier's reads, writes
     * and probe say whether the cluster is down: a lease released as the cluster goes would make the state flap.
     */
    public LeaseStore leases() {
        return new ClusterLeaseStore(() -> text(ClusterCaches.LEASES_NAME), e -> failures.increment());
    }

    /** The fleet's budget counters ({@link dev.modelcache.billing.FleetBudget}); down, failing as {@link #leases()}. */
    public SharedMap budgetCounters() {
        return new ClusterMap(() -> text(ClusterCaches.BUDGET_NAME), e -> failures.increment());
    }

    /** The fleet's sequence counts ({@link dev.modelcache.replay.Sequences}); down, failing as {@link #leases()}. */
    public SharedMap sequenceCounts() {
        return new ClusterMap(() -> text(ClusterCaches.SEQUENCES_NAME), e -> failures.increment());
    }

    /** The small cache {@code name} while the cluster answers; null while it is down. */
    private Cache<String, String> text(String name) {
        CacheManager current = manager;
        try {
            return up && current != null ? ClusterCaches.text(current, name) : null;
        } catch (IllegalStateException e) {
            return null; // closed meanwhile
        }
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        Cache<String, byte[]> current = reachable();
        if (current == null) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = current.get(key.hex());
        } catch (RuntimeException e) {
            lost("read", e);
            return Optional.empty();
        }
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(CachedResponseBytes.decode(bytes));
        } catch (IOException e) {
            failures.increment();
            LOG.log(Level.WARNING, "cluster entry of key " + key + " is unreadable, dropped: " + e.getMessage());
            remove(key);
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey key, CachedResponse response) {
        Cache<String, byte[]> current = reachable();
        if (current == null) {
            return;
        }
        try {
            current.put(key.hex(), CachedResponseBytes.encode(response));
        } catch (RuntimeException e) {
            lost("write", e);
        }
    }

    @Override
    public void remove(CacheKey key) {
        Cache<String, byte[]> current = reachable();
        if (current == null) {
            return;
        }
        try {
            current.remove(key.hex());
        } catch (RuntimeException e) {
            lost("remove", e);
        }
    }

    /** Counts the failure and, the first time since the cluster was last up, says it is down. */
    private void lost(String what, RuntimeException e) {
        failures.increment();
        if (up) {
            up = false;
            LOG.log(Level.WARNING, "the cluster at " + uri + " failed a " + what + " (" + e + "); until it answers "
                    + "again, this instance serves its own entries and sends misses upstream");
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** Whether the cluster answers now. */
    public State state() {
        return up ? State.CONNECTED : State.UNREACHABLE;
    }

    /**
     * What {@code /_cache/health} shows of the cluster: its state, when it last answered (epoch milliseconds, 0 for
     * never) and the failed operations since start. Not its address: health is open to anyone who reaches the proxy.
     */
    public ObjectNode health() {
        ObjectNode health = JsonNodeFactory.instance.objectNode();
        health.put("state", state().name().toLowerCase(Locale.ROOT));
        health.put("answeredAtMillis", answeredAtMillis);
        health.put("failures", failures());
        return health;
    }

    @Override
    public long failures() {
        return failures.sum();
    }

    /** The clustered tier evicts on the server, where this instance does not see it: none counted. */
    @Override
    public long evictions() {
        return 0;
    }

    @Override
    public void close() {
        CacheManager current;
        synchronized (this) {
            closed = true;
            up = false;
            current = manager;
        }
        prober.shutdownNow();
        if (current != null) {
            ClusterCaches.closeBounded(current, uri);
        }
    }
}
