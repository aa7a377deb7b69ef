package dev.modelcache.store.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.ehcache.Cache;
import org.ehcache.CacheManager;

/**
 * The one health machine of an instance's link to the cluster, which {@link ClusteredTier}, the fleet's leases, its
 * budget counters and its sequence counts all go through: the cache manager, whether the cluster answers, and the
 * probe that finds it back.
 *
 * <p>The cluster may be unreachable at start or go away later; the proxy never stops for it. An operation that
 * fails (Ehcache is told to throw rather than hide it) marks the cluster down: until a probe, every {@link #PROBE}
 * on a thread of its own, finds it back, the caches are reported absent, so the durable record serves this
 * instance's entries and misses go upstream without waiting for the cluster's timeouts. Each change of state is
 * logged once. A cluster unreachable at start is connected to by the same probe, and a reachable one is probed too,
 * so that {@link #health()} tells the truth while no request comes.
 */
final class ClusterLink implements AutoCloseable {
    /** Logs as the tier: it is the name an operator knows the cluster by. */
    private static final Logger LOG = System.getLogger(ClusteredTier.class.getName());
    /** How often a down (or never reached) cluster is tried again. */
    static final Duration PROBE = Duration.ofSeconds(1);
    private static final String PROBE_KEY = "modelcache-probe";

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
     * Connects to the cluster at {@code uri} (a pool of {@code clusterMB}, a near cache on the heap of {@code heapKB},
     * or {@code heapEntries} when that is 0), waiting up to {@link ClusterCaches#CONNECT_TIMEOUT}; if it cannot, it
     * starts down and the probe keeps trying.
     */
    ClusterLink(URI uri, long clusterMB, long heapKB, int heapEntries, Duration ttl, Clock clock) {
        this.uri = uri;
        this.clusterMB = clusterMB;
        this.heapKB = heapKB;
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
    void whenBack(Runnable task) {
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
    Cache<String, byte[]> responses() {
        return up ? cache : null;
    }

    /** The small cache {@code name} while the cluster answers; null while it is down. */
    Cache<String, String> text(String name) {
        CacheManager current = manager;
        try {
            return up && current != null ? ClusterCaches.text(current, name) : null;
        } catch (IllegalStateException e) {
            return null; // closed meanwhile
        }
    }

    /** Counts the failure and, the first time since the cluster was last up, says it is down. */
    void lost(String what, RuntimeException e) {
        failures.increment();
        if (up) {
            up = false;
            LOG.log(Level.WARNING, "the cluster at " + uri + " failed a " + what + " (" + e + "); until it answers "
                    + "again, this instance serves its own entries and sends misses upstream");
        }
    }

    /** Counts a failure that does not say whether the cluster is down (a lease or a counter operation, a bad entry). */
    void failed() {
        failures.increment();
    }

    /** Whether the cluster answers now. */
    ClusteredTier.State state() {
        return up ? ClusteredTier.State.CONNECTED : ClusteredTier.State.UNREACHABLE;
    }

    /**
     * What {@code /_cache/health} shows of the cluster: its state, when it last answered (epoch milliseconds, 0 for
     * never) and the failed operations since start. Not its address: health is open to anyone who reaches the proxy.
     */
    ObjectNode health() {
        ObjectNode health = JsonNodeFactory.instance.objectNode();
        health.put("state", state().name().toLowerCase(Locale.ROOT));
        health.put("answeredAtMillis", answeredAtMillis);
        health.put("failures", failures.sum());
        return health;
    }

    long failures() {
        return failures.sum();
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
