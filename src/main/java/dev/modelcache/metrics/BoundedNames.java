package dev.modelcache.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a metric tag's values few: the first {@code limit} distinct names pass as they are (cut to
 * {@value #MAX_LENGTH} characters), every later one becomes {@value #OTHER}, and a missing one {@value #NONE}. Model
 * names come from clients, so without a cap each typo would be a new time series.
 */
final class BoundedNames {
    static final String OTHER = "other";
    static final String NONE = "none";
    static final int MAX_LENGTH = 64;

    private final int limit;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    /**
     * Names taken, reserved before a name is added: threads bringing new names at once never pass the limit, and
     * once it is reached a new name costs no lock (it was a monitor every exchange of an unseen model passed).
     */
    private final AtomicInteger taken = new AtomicInteger();

    BoundedNames(int limit) {
        this.limit = limit;
    }

    String of(String name) {
        if (name == null || name.isBlank()) {
            return NONE;
        }
        String cut = name.length() > MAX_LENGTH ? name.substring(0, MAX_LENGTH) : name;
        if (seen.contains(cut)) {
            return cut;
        }
        if (taken.incrementAndGet() > limit) {
            taken.decrementAndGet();
            return OTHER;
        }
        if (!seen.add(cut)) {
            taken.decrementAndGet(); // another thread added it meanwhile
        }
        return cut;
    }
}
