package dev.modelcache.store.cluster;

import dev.modelcache.flight.LeaseStore;
import dev.modelcache.store.SharedMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.ehcache.Cache;

/**
 * One of {@link ClusteredTier}'s small caches of text, as the fleet's {@link SharedMap} (the budget's counters, the
 * sequences' counts) and as its {@link LeaseStore} (the leases of {@link dev.modelcache.flight.FleetLeases}): the two
 * interfaces ask the same compare-and-set operations of it, and stay apart only because their layers may not import
 * each other. Ehcache's STRONG operations on the cluster ({@code replace} and {@code remove} compare values with
 * {@code equals}), and its iteration over the clustered entries for {@link #startingWith}. While the cluster is down
 * every operation throws at once, without waiting for Ehcache's timeouts; a failure is reported to the link.
 */
final class ClusterMap implements SharedMap, LeaseStore {
    private final Supplier<Cache<String, String>> cache;
    private final Consumer<RuntimeException> lost;

    ClusterMap(Supplier<Cache<String, String>> cache, Consumer<RuntimeException> lost) {
        this.cache = cache;
        this.lost = lost;
    }

    /** Runs {@code operation} on the cache; throws at once while the cluster is down, and reports its own failure. */
    private <T> T on(Function<Cache<String, String>, T> operation) {
        Cache<String, String> current = cache.get();
        if (current == null) {
            throw new IllegalStateException("the cluster is unreachable");
        }
        try {
            return operation.apply(current);
        } catch (RuntimeException e) {
            lost.accept(e);
            throw e;
        }
    }

    @Override
    public String get(String key) {
        return on(current -> current.get(key));
    }

    @Override
    public String putIfAbsent(String key, String value) {
        return on(current -> current.putIfAbsent(key, value));
    }

    @Override
    public boolean replace(String key, String seen, String value) {
        return on(current -> current.replace(key, seen, value));
    }

    @Override
    public boolean remove(String key, String value) {
        return on(current -> current.remove(key, value));
    }

    @Override
    public Map<String, String> startingWith(String prefix, int most) {
        return on(current -> {
            Map<String, String> found = new TreeMap<>();
            for (Cache.Entry<String, String> entry : current) {
                if (found.size() < most && entry.getKey().startsWith(prefix)) { // read to the end: the server's iterator closes
                    found.put(entry.getKey(), entry.getValue());
                }
            }
            return found;
        });
    }
}
