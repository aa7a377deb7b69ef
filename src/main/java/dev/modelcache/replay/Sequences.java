package dev.modelcache.replay;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.store.SharedMap;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts identical requests for sequences (after VCR's cassettes that play each recorded answer once, and
 * WireMock's scenarios): the first request with a key is occurrence 1, the next identical one 2, and so on, until the
 * counts of a namespace (or all) are reset. The key already holds the namespace, so two namespaces never share a
 * count.
 *
 * <p>With {@code cache/clusterUri} the count is the fleet's (issue 20): it lives in a {@link SharedMap} on the
 * cluster, moved on by compare-and-set, so a sequence played over several instances gets its answers 1, 2, 3 in
 * order across them, and a reset clears the fleet's counts too. This instance counts as well: while the cluster
 * cannot be reached it answers with its own count, as without a cluster (the log says so once, and once when the
 * cluster answers again), and a reset made meanwhile is applied to the fleet's counts when they answer.
 */
public final class Sequences {
    private static final Logger LOG = System.getLogger(Sequences.class.getName());
    /** Compare-and-set attempts on one count before this instance's own count answers instead. */
    static final int MOST_ATTEMPTS = 64;

    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    /** The fleet's counts; null without a cluster. */
    private final SharedMap fleet;
    /** Resets the fleet's counts have not had yet (a namespace's prefix, "" for all); guarded by itself. */
    private final Set<String> resetLater = new LinkedHashSet<>();
    private final AtomicBoolean reachable = new AtomicBoolean(true);

    /** Counts of this instance alone. */
    public Sequences() {
        this(null);
    }

    /** Counts shared with the fleet through {@code fleet} (null: this instance alone). */
    public Sequences(SharedMap fleet) {
        this.fleet = fleet;
    }

    /** The occurrence this request is: 1 for the first with {@code key} since start or the last reset. */
    public int next(String namespace, CacheKey key) {
        String name = namespace + "/" + key.hex();
        int here = counts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        if (fleet == null) {
            return here;
        }
        try {
            resetPending();
            int shared = increment(name);
            answers();
            return shared;
        } catch (RuntimeException e) {
            unreachable(e);
            return here;
        }
    }

    private int increment(String name) {
        for (int attempt = 0; attempt < MOST_ATTEMPTS; attempt++) {
            String seen = fleet.get(name);
            int next = count(seen) + 1;
            if (seen == null ? fleet.putIfAbsent(name, "1") == null : fleet.replace(name, seen, Integer.toString(next))) {
                return next;
            }
        }
        throw new IllegalStateException("the fleet's count of " + name + " changed under " + MOST_ATTEMPTS + " attempts");
    }

    private static int count(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The occurrence the next request with {@code key} will be, without counting one (an explanation peeks). */
    public int peek(String namespace, CacheKey key) {
        String name = namespace + "/" + key.hex();
        if (fleet != null) {
            try {
                resetPending();
                return count(fleet.get(name)) + 1;
            } catch (RuntimeException e) {
                unreachable(e);
            }
        }
        AtomicInteger count = counts.get(name);
        return (count == null ? 0 : count.get()) + 1;
    }

    /**
     * Starts the sequences of {@code namespace} (null: of every namespace) over, here and in the fleet; returns how
     * many were reset (the fleet's counts when it answers, else this instance's).
     */
    public int reset(String namespace) {
        int here;
        if (namespace == null) {
            here = counts.size();
            counts.clear();
        } else {
            int before = counts.size();
            counts.keySet().removeIf(k -> k.startsWith(namespace + "/"));
            here = before - counts.size();
        }
        if (fleet == null) {
            return here;
        }
        synchronized (resetLater) {
            resetLater.add(namespace == null ? "" : namespace + "/");
        }
        try {
            int shared = resetPending();
            answers();
            return shared;
        } catch (RuntimeException e) {
            unreachable(e);
            return here;
        }
    }

    /** The cluster answers again (its probe found it): a reset made while it could not be reached reaches it now. */
    public void clusterAnswers() {
        if (fleet != null) {
            try {
                resetPending();
                answers();
            } catch (RuntimeException e) {
                unreachable(e);
            }
        }
    }

    /** Removes the fleet's counts of the resets not yet applied; how many. Throws when the fleet cannot be reached. */
    private int resetPending() {
        int removed = 0;
        synchronized (resetLater) {
            for (var prefixes = resetLater.iterator(); prefixes.hasNext(); ) {
                for (Map.Entry<String, String> count : fleet.startingWith(prefixes.next(), Integer.MAX_VALUE).entrySet()) {
                    String seen = count.getValue();
                    for (int attempt = 0; seen != null && attempt < MOST_ATTEMPTS; attempt++) {
                        if (fleet.remove(count.getKey(), seen)) {
                            removed++;
                            break;
                        }
                        seen = fleet.get(count.getKey()); // moved on meanwhile: remove what it is now
                    }
                }
                prefixes.remove();
            }
        }
        return removed;
    }

    private void answers() {
        if (reachable.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "the fleet's sequence counts answer again: sequences count across the fleet again");
        }
    }

    private void unreachable(RuntimeException e) {
        if (reachable.compareAndSet(true, false)) {
            LOG.log(Level.WARNING, "the fleet's sequence counts cannot be reached (" + e.getMessage() + "); until they "
                    + "answer, this instance counts the sequences it sees itself");
        }
    }
}
