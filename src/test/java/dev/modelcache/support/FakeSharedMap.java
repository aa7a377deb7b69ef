package dev.modelcache.support;

import dev.modelcache.flight.LeaseStore;
import dev.modelcache.store.SharedMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SharedMap} (and {@link LeaseStore}, as the cluster's map is both) in memory, for unit tests of what a fleet
 * shares: one instance given to several budget guards, sequence counters or lease holders plays the cluster they share. {@link #down} makes every operation throw, as the cluster's map
 * does at once while the cluster is down.
 */
public final class FakeSharedMap implements SharedMap, LeaseStore {
    public final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();
    public volatile boolean down;

    private void reachable() {
        if (down) {
            throw new IllegalStateException("the cluster is unreachable");
        }
    }

    @Override
    public String get(String key) {
        reachable();
        return values.get(key);
    }

    @Override
    public String putIfAbsent(String key, String value) {
        reachable();
        return values.putIfAbsent(key, value);
    }

    @Override
    public boolean replace(String key, String seen, String value) {
        reachable();
        return values.replace(key, seen, value);
    }

    @Override
    public boolean remove(String key, String value) {
        reachable();
        return values.remove(key, value);
    }

    @Override
    public Map<String, String> startingWith(String prefix, int most) {
        reachable();
        Map<String, String> found = new TreeMap<>();
        values.forEach((key, value) -> {
            if (found.size() < most && key.startsWith(prefix)) {
                found.put(key, value);
            }
        });
        return found;
    }
}
