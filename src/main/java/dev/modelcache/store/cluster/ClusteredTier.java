package dev.modelcache.store.cluster;

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
import java.util.Optional;
import org.ehcache.Cache;

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
 * <p>While the cluster is down ({@link ClusterLink} says when), the tier answers misses at once and drops writes, so
 * the durable record serves this instance's entries and misses go upstream without waiting for the cluster's
 * timeouts. The fleet's other shared state (leases, budget counters, sequence counts) goes through the same link.
 */
public final class ClusteredTier implements Tier {
    private static final Logger LOG = System.getLogger(ClusteredTier.class.getName());

    /** What {@link #state()} reports: reachable, or not (at start or since a failure). */
    public enum State { CONNECTED, UNREACHABLE }

    private final ClusterLink link;
    private final Duration ttl;
    private final Clock clock;

    /**
     * The tier on the cluster at {@code uri} (a pool of {@code clusterMB}) with a near cache on the heap of
     * {@code heapKB} (or {@code heapEntries} when that is 0), at most half the pool. It connects, waiting up to
     * {@link ClusterCaches#CONNECT_TIMEOUT}; if it cannot, it starts down and the probe keeps trying.
     */
    public ClusteredTier(URI uri, long clusterMB, long heapKB, int heapEntries, Duration ttl, Clock clock) {
        this.link = new ClusterLink(uri, clusterMB, Math.min(heapKB, clusterMB * 1024 / 2), heapEntries, ttl, clock);
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * The durable store with this tier in front: the record in {@code <cache dir>/records} (bounded by
     * {@code recordBytes}), every age and lifetime counted on the tier's clock.
     */
    public DurableResponseStore durable(Path cacheDir, long recordBytes) {
        return DurableResponseStore.open(cacheDir, this, ttl, recordBytes, clock);
    }

    /**
     * Runs {@code task} on the probe's thread each time the cluster answers after it could not be reached: the
     * budget's and the sequences' changes made meanwhile reach the cluster then, on this one health machine.
     */
    public void whenBack(Runnable task) {
        link.whenBack(task);
    }

    /**
     * The fleet's lease map on the cluster, for {@link dev.modelcache.flight.FleetLeases}: it throws while the cluster
     * is down (then each instance coalesces alone). A failure of its own is counted, but only the tier's reads, writes
     * and probe say whether the cluster is down: a lease released as the cluster goes would make the state flap.
     */
    public LeaseStore leases() {
        return new ClusterMap(() -> link.text(ClusterCaches.LEASES_NAME), e -> link.failed());
    }

    /** The fleet's budget counters ({@link dev.modelcache.billing.FleetBudget}); down, failing as {@link #leases()}. */
    public SharedMap budgetCounters() {
        return new ClusterMap(() -> link.text(ClusterCaches.BUDGET_NAME), e -> link.failed());
    }

    /** The fleet's sequence counts ({@link dev.modelcache.replay.Sequences}); down, failing as {@link #leases()}. */
    public SharedMap sequenceCounts() {
        return new ClusterMap(() -> link.text(ClusterCaches.SEQUENCES_NAME), e -> link.failed());
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        Cache<String, byte[]> current = link.responses();
        if (current == null) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = current.get(key.hex());
        } catch (RuntimeException e) {
            link.lost("read", e);
            return Optional.empty();
        }
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(CachedResponseBytes.decode(bytes));
        } catch (IOException e) {
            link.failed();
            LOG.log(Level.WARNING, "cluster entry of key " + key + " is unreadable, dropped: " + e.getMessage());
            remove(key);
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey key, CachedResponse response) {
        Cache<String, byte[]> current = link.responses();
        if (current == null) {
            return;
        }
        try {
            current.put(key.hex(), CachedResponseBytes.encode(response));
        } catch (RuntimeException e) {
            link.lost("write", e);
        }
    }

    @Override
    public void remove(CacheKey key) {
        Cache<String, byte[]> current = link.responses();
        if (current == null) {
            return;
        }
        try {
            current.remove(key.hex());
        } catch (RuntimeException e) {
            link.lost("remove", e);
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** Whether the cluster answers now. */
    public State state() {
        return link.state();
    }

    /**
     * What {@code /_cache/health} shows of the cluster: its state, when it last answered (epoch milliseconds, 0 for
     * never) and the failed operations since start. Not its address: health is open to anyone who reaches the proxy.
     */
    public ObjectNode health() {
        return link.health();
    }

    @Override
    public long failures() {
        return link.failures();
    }

    /** The clustered tier evicts on the server, where this instance does not see it: none counted. */
    @Override
    public long evictions() {
        return 0;
    }

    @Override
    public void close() {
        link.close();
    }
}
