package dev.modelcache.store.cluster;

import dev.modelcache.store.ehcache.EhcacheResponseStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.clustered.client.config.builders.ClusteredResourcePoolBuilder;
import org.ehcache.clustered.client.config.builders.ClusteredStoreConfigurationBuilder;
import org.ehcache.clustered.client.config.builders.ClusteringServiceConfigurationBuilder;
import org.ehcache.clustered.client.config.builders.TimeoutsBuilder;
import org.ehcache.clustered.common.Consistency;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.internal.resilience.ThrowingResilienceStrategy;
import org.ehcache.impl.internal.TimeSourceConfiguration;

/**
 * How {@link ClusteredTier} opens and closes its Ehcache: one cache, {@code "responses"}, of hex keys and
 * {@link dev.modelcache.store.ehcache.CachedResponseBytes bytes}, a heap near cache over a dedicated clustered pool
 * taken from the server's offheap resource {@code main}; STRONG consistency; the local tiers' lifetimes; and a
 * resilience strategy that throws, so that the tier sees a failure instead of Ehcache hiding it as a miss. Beside it,
 * three small caches of text, each a pool of its own from {@code main} (6 MB together): the fleet's {@code leases},
 * its {@code budget} counters and its {@code sequences} counts.
 * {@code autoCreateOnReconnect}: a stripe restarted whole (the open-source server keeps its data in memory only)
 * gets the cache created again when Ehcache reconnects to it.
 */
final class ClusterCaches {
    private static final Logger LOG = System.getLogger(ClusterCaches.class.getName());
    static final String CACHE_NAME = "responses";
    /** The fleet's leases ({@link dev.modelcache.flight.FleetLeases}): key hex to {@code "<instance>:<expiresAt>"}. */
    static final String LEASES_NAME = "leases";
    /** A lease is a few dozen bytes; a megabyte holds tens of thousands of calls in flight. */
    static final long LEASES_MB = 1;
    /** The leases' near cache: this many KB, or entries when the responses' near cache counts entries. */
    static final long LEASES_HEAP_KB = 64;
    /**
     * Ehcache's own lifetime of a lease entry, far past any lease's term: a lease's expiry is judged from its value;
     * this only clears the leases of holders that died when no one asked for their key again.
     */
    static final Duration LEASE_ENTRY_LIFETIME = Duration.ofMinutes(10);
    /** The fleet's budget counters ({@link dev.modelcache.billing.FleetBudget}): a row per UTC day and caller. */
    static final String BUDGET_NAME = "budget";
    /** The fleet's sequence counts ({@link dev.modelcache.replay.Sequences}): a count per namespace and key. */
    static final String SEQUENCES_NAME = "sequences";
    /** A budget row is a few dozen bytes, one a day per caller and one overall. */
    static final long BUDGET_MB = 1;
    /** Sequence counts are a few dozen bytes each: tens of thousands of sequenced keys. */
    static final long SEQUENCES_MB = 4;
    /**
     * A budget row lives two days past its last change, longer than the day it counts: then it goes by itself. Never
     * shorter than a day, or a quiet caller's row of today would vanish and the fleet forget what it spent.
     */
    static final Duration BUDGET_ENTRY_LIFETIME = Duration.ofDays(2);
    /** A sequence no one has moved on for a day starts over, as a reset would start it. */
    static final Duration SEQUENCE_ENTRY_LIFETIME = Duration.ofDays(1);
    /** The server's offheap resource the tier's pool is taken from: the one the kit's cluster.cfg declares. */
    static final String SERVER_RESOURCE = "main";
    /** Longest a start waits for the cluster before it goes on without it (the probe keeps trying). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest one read or write waits (a failover of the stripe takes a few seconds). */
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Longest {@link #closeBounded} waits for Ehcache to let go of the cluster. With the cluster gone, Ehcache's
     * close waits for its reconnection, which never ends: the proxy's shutdown must not hang on it.
     */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** Quieted as {@link EhcacheResponseStore} quiets it (its reasons hold for the near cache too); held strongly. */
    private static final java.util.logging.Logger BYTE_HEAP_NOTICE =
            java.util.logging.Logger.getLogger("org.ehcache.impl.config.SizedResourcePoolImpl");

    private ClusterCaches() {
    }

    /** The manager, initialised (connected); a RuntimeException when the cluster cannot be reached or refuses. */
    static CacheManager open(URI uri, long clusterMB, long heapKB, int heapEntries, Duration ttl, Clock clock) {
        if (heapKB > 0 && BYTE_HEAP_NOTICE.getLevel() == null) {
            BYTE_HEAP_NOTICE.setLevel(java.util.logging.Level.WARNING);
        }
        ResourcePoolsBuilder heap = heapKB > 0
                ? ResourcePoolsBuilder.newResourcePoolsBuilder().heap(heapKB, MemoryUnit.KB)
                : ResourcePoolsBuilder.newResourcePoolsBuilder().heap(heapEntries, EntryUnit.ENTRIES);
        CacheConfigurationBuilder<String, byte[]> config = CacheConfigurationBuilder.newCacheConfigurationBuilder(
                        String.class, byte[].class,
                        heap.with(ClusteredResourcePoolBuilder.clusteredDedicated(clusterMB, MemoryUnit.MB)))
                .withService(ClusteredStoreConfigurationBuilder.withConsistency(Consistency.STRONG))
                .withResilienceStrategy(new ThrowingResilienceStrategy<>())
                .withExpiry(new EhcacheResponseStore.EntryTtl(ttl));
        CacheManagerBuilder<?> builder = CacheManagerBuilder.newCacheManagerBuilder()
                .with(ClusteringServiceConfigurationBuilder.cluster(uri)
                        .timeouts(TimeoutsBuilder.timeouts().connection(CONNECT_TIMEOUT)
                                .read(OPERATION_TIMEOUT).write(OPERATION_TIMEOUT))
                        .autoCreateOnReconnect(server -> server.defaultServerResource(SERVER_RESOURCE)))
                .using(new TimeSourceConfiguration(clock::millis));
        if (heapKB > 0) {
            builder = builder.using(new EhcacheResponseStore.ExactSizeOf());
        }
        // Its near cache in the responses' unit: a manager sized in bytes (ExactSizeOf) cannot count entries.
        ResourcePoolsBuilder leaseHeap = heapKB > 0
                ? ResourcePoolsBuilder.newResourcePoolsBuilder().heap(LEASES_HEAP_KB, MemoryUnit.KB)
                : ResourcePoolsBuilder.newResourcePoolsBuilder().heap(LEASES_HEAP_KB, EntryUnit.ENTRIES);
        return builder.withCache(CACHE_NAME, config)
                .withCache(LEASES_NAME, text(leaseHeap, LEASES_MB, LEASE_ENTRY_LIFETIME))
                .withCache(BUDGET_NAME, text(leaseHeap, BUDGET_MB, BUDGET_ENTRY_LIFETIME))
                .withCache(SEQUENCES_NAME, text(leaseHeap, SEQUENCES_MB, SEQUENCE_ENTRY_LIFETIME))
                .build(true);
    }

    /** A small cache of text (leases, counters): STRONG, throwing, its entries living {@code lifetime} past a change. */
    private static CacheConfigurationBuilder<String, String> text(ResourcePoolsBuilder heap, long clusterMB,
                                                                  Duration lifetime) {
        return CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, String.class,
                        heap.with(ClusteredResourcePoolBuilder.clusteredDedicated(clusterMB, MemoryUnit.MB)))
                .withService(ClusteredStoreConfigurationBuilder.withConsistency(Consistency.STRONG))
                .withResilienceStrategy(new ThrowingResilienceStrategy<>())
                .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(lifetime));
    }

    /** One of the small caches of text: {@link #LEASES_NAME}, {@link #BUDGET_NAME}, {@link #SEQUENCES_NAME}. */
    static Cache<String, String> text(CacheManager manager, String name) {
        return manager.getCache(name, String.class, String.class);
    }

    static Cache<String, byte[]> responses(CacheManager manager) {
        return manager.getCache(CACHE_NAME, String.class, byte[].class);
    }

    /** Closes {@code manager} on a thread of its own, waiting at most {@link #CLOSE_WAIT} for it. */
    static void closeBounded(CacheManager manager, URI uri) {
        Thread closer = new Thread(() -> {
            try {
                manager.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing the cluster connection to " + uri + " failed: " + e);
            }
        }, "modelcache-cluster-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.log(Level.WARNING, "the connection to the cluster at " + uri + " did not close within "
                    + CLOSE_WAIT.toSeconds() + " s (the cluster is gone); it is left to end with the process");
        }
    }
}
