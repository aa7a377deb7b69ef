package dev.modelcache.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.stream.StreamMediaType;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The record folder's table of contents, in memory: one {@link EntrySummary} per readable record, built at start
 * from the headers alone, with the total bytes the records take.
 */
final class RecordIndex {
    private final ConcurrentHashMap<String, EntrySummary> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

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
        EntrySummary previous = entries.put(entry.key(), entry);
        bytes.addAndGet(entry.fileBytes() - (previous == null ? 0 : previous.fileBytes()));
    }

    Optional<EntrySummary> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    boolean contains(String key) {
        return entries.containsKey(key);
    }

    boolean remove(String key) {
        EntrySummary removed = entries.remove(key);
        if (removed != null) {
            bytes.addAndGet(-removed.fileBytes());
        }
        return removed != null;
    }

    long count() {
        return entries.size();
    }

    long bytes() {
        return bytes.get();
    }

    /** Matching entries, newest first. */
    List<EntrySummary> list(EntryFilter filter, long nowMillis) {
        return entries.values().stream().filter(e -> filter.matches(e, nowMillis))
                .sorted(Comparator.comparingLong(EntrySummary::storedAtMillis).reversed()
                        .thenComparing(EntrySummary::key))
                .toList();
    }

    /** Every entry, oldest first. */
    List<EntrySummary> oldestFirst() {
        return entries.values().stream().sorted(Comparator.comparingLong(EntrySummary::storedAtMillis)
                .thenComparing(EntrySummary::key)).toList();
    }
}
