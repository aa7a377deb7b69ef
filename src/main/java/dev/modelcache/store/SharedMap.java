package dev.modelcache.store;

import java.util.Map;

/**
 * A small map of text every instance of a fleet shares, whose changes compare before they write (the cluster's,
 * STRONG, so that of two instances changing one value from the same old value only one succeeds): where the budget's
 * day counters and the sequences' counts live with {@code cache/clusterUri}. Every method throws a RuntimeException
 * at once while the map cannot be reached; the caller then counts on its own, as without a cluster.
 */
public interface SharedMap {
    /** The value held for {@code key}, or null. */
    String get(String key);

    /** Puts {@code value} unless {@code key} holds one; null when it was put, else the value held. */
    String putIfAbsent(String key, String value);

    /** Replaces {@code seen} with {@code value}, only if {@code key} still holds {@code seen}. */
    boolean replace(String key, String seen, String value);

    /** Removes {@code key} only if it still holds {@code value}. */
    boolean remove(String key, String value);

    /** The keys starting with {@code prefix} ("" for all) and their values, at most {@code most} of them. */
    Map<String, String> startingWith(String prefix, int most);
}
