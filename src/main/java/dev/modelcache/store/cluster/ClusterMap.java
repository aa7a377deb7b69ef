package dev.modelcache.store.cluster;

import dev.modelcache.store.SharedMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.ehcache.Cache;

/**
 * One of {@link ClusteredTier}'s small caches of text as a {@link SharedMap}: Ehcache's STRONG compare-and-set
 * operations on the cluster ({@code replace} and {@code remove} compare values with {@code equals}), and its
 * iteration over the clustered entries for {@link #startingWith}. While the cluster is down every operation throws at
 * once, without waiting for Ehcache's timeouts; a failure is reported to the tier, as {@link ClusterLeaseStore}'s are.
 */
final class ClusterMap implements SharedMap {
    private final Supplier<Cache<String, String>> cache;
    private final Consumer<RuntimeException> lost;

    ClusterMap(Supplier<Cache<String, String>> cache, Consumer<RuntimeException> lost) {
        this.cache = cache;
        this.lost = lost;
    }

    private Cache<String, String> reachable() {
        Cache<String, String> current = cache.get();
        if (current == null) {
            throw new IllegalStateException("the cluster is unreachable");
        }
        return current;
    }

    private RuntimeException failed(RuntimeException e) {
        lost.accept(e);
        return e;
    }

    @Override
    public String get(String key) {
        Cache<String, String> current = reachable();
        try {
            return current.get(key);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public String putIfAbsent(String key, String value) {
        Cache<String, String> current = reachable();
        try {
            return current.putIfAbsent(key, value);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public boolean replace(String key, String seen, String value) {
        Cache<String, String> current = reachable();
        try {
            return current.replace(key, seen, value);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public boolean remove(String key, String value) {
        Cache<String, String> current = reachable();
        try {
            return current.remove(key, value);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public Map<String, String> startingWith(String prefix, int most) {
        Cache<String, String> current = reachable();
        Map<String, String> found = new TreeMap<>();
        try {
            for (Cache.Entry<String, String> entry : current) {
                if (found.size() < most && entry.getKey().startsWith(prefix)) { // read to the end: the server's iterator closes
                    found.put(entry.getKey(), entry.getValue());
                }
            }
        } catch (RuntimeException e) {
            throw failed(e);
        }
        return found;
    }
}
