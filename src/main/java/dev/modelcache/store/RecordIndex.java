package dev.modelcache.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.stream.StreamMediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The record folder's table of contents, in memory: one {@link EntrySummary} per readable record, built at start
 * from the headers alone, with the total bytes the records take.
 *
 * <p>Every entry is also kept, newest first, in its {@link PathGroup} (provider, path, partition and model) and in
 * that group whatever the model, because every miss asks for the newest entries of its group
 * ({@code MissExplainer}): filtering and sorting all entries there made a miss cost grow with the whole store.
 * A key's entry and its place in the groups change together (under the key's slot of the map).</p>
 */
final class RecordIndex {
    /** Newest first; of equal times, by key: the order of {@link #list}. */
    private static final Comparator<EntrySummary> NEWEST_FIRST = Comparator
            .comparingLong(EntrySummary::storedAtMillis).reversed().thenComparing(EntrySummary::key);

    private final ConcurrentHashMap<String, EntrySummary> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PathGroup, NavigableSet<EntrySummary>> groups = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    /** Entries looked at by listings since start: what a miss costs, counted rather than timed (tests). */
    private final LongAdder examined = new LongAdder();

    static EntrySummary summary(String key, RecordFormat.Header header) {
        JsonNode request = header.json().path("request");
        JsonNode response = header.json().path("response");
        String contentType = "";
        for (JsonNode field : response.path("headers")) {
            if (field.path(0).asText().equalsIgnoreCase("Content-Type")) {
                // The first, as the entry read back from the record decides (Headers.first): one answer, one verdict.
                contentType = field.path(1).asText().toLowerCase(Locale.ROOT);
                break;
            }
        }
        return new EntrySummary(key, request.path("provider").asText(null), request.path("model").asText(null),
                request.path("method").asText(null), request.path("path").asText(null),
                request.path("partition").asText(null), request.path("namespace").asText(""),
                response.path("status").asInt(),
                StreamMediaType.isStream(contentType), Math.max(0, header.storedAtMillis()),
                header.bodyLength(), header.bodyOffset() + header.bodyLength(), header.ttlMillis());
    }

    void put(EntrySummary entry) {
        entries.compute(entry.key(), (key, previous) -> {
            if (previous != null) {
                ungroup(previous);
            }
            group(entry);
            bytes.addAndGet(entry.fileBytes() - (previous == null ? 0 : previous.fileBytes()));
            return entry;
        });
    }

    private void group(EntrySummary entry) {
        PathGroup group = PathGroup.of(entry);
        for (PathGroup each : List.of(group, group.withAnyModel())) {
            groups.compute(each, (g, set) -> {
                NavigableSet<EntrySummary> members = set == null ? new ConcurrentSkipListSet<>(NEWEST_FIRST) : set;
                members.add(entry);
                return members;
            });
        }
    }

    private void ungroup(EntrySummary entry) {
        PathGroup group = PathGroup.of(entry);
        for (PathGroup each : List.of(group, group.withAnyModel())) {
            groups.computeIfPresent(each, (g, members) -> {
                members.remove(entry);
                return members.isEmpty() ? null : members;
            });
        }
    }

    Optional<EntrySummary> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    boolean contains(String key) {
        return entries.containsKey(key);
    }

    boolean remove(String key) {
        EntrySummary[] removed = new EntrySummary[1];
        entries.computeIfPresent(key, (k, entry) -> {
            ungroup(entry);
            bytes.addAndGet(-entry.fileBytes());
            removed[0] = entry;
            return null;
        });
        return removed[0] != null;
    }

    long count() {
        return entries.size();
    }

    long bytes() {
        return bytes.get();
    }

    /** Matching entries, newest first. */
    List<EntrySummary> list(EntryFilter filter, long nowMillis) {
        return entries.values().stream().peek(e -> examined.increment()).filter(e -> filter.matches(e, nowMillis))
                .sorted(NEWEST_FIRST).toList();
    }

    /**
     * The first {@code limit} of what {@link #list} shows of {@code group}, looking at those alone when the group is
     * exact (it always is for a miss: a request has a provider, a path and a partition).
     */
    List<EntrySummary> newest(PathGroup group, int limit) {
        if (!group.exact()) {
            return list(new EntryFilter(group.provider(), null, group.path(), group.partition(), null), 0).stream()
                    .filter(group::contains).limit(limit).toList();
        }
        NavigableSet<EntrySummary> members = groups.get(group);
        List<EntrySummary> newest = new ArrayList<>(Math.min(limit, 64));
        if (members != null) {
            for (EntrySummary entry : members) {
                if (newest.size() >= limit) {
                    break;
                }
                examined.increment();
                newest.add(entry);
            }
        }
        return newest;
    }

    /** Entries looked at by listings since start. */
    long examined() {
        return examined.sum();
    }

    /** Every entry, oldest first. */
    List<EntrySummary> oldestFirst() {
        return entries.values().stream().sorted(Comparator.comparingLong(EntrySummary::storedAtMillis)
                .thenComparing(EntrySummary::key)).toList();
    }
}
