package dev.modelcache.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.http.ProxyError;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The entries a request's query parameters choose: provider, model, namespace, partition (exact), path (a prefix),
 * maxAge (seconds), and {@code q}, text the request body must contain (case-insensitive). The search reads
 * request records, so it looks at no more than the {@value #SEARCH_SCAN} newest entries the other filters leave,
 * and says when it was cut there.
 */
record EntrySelection(List<EntrySummary> entries, int scanned, boolean cut) {
    /** The most entries a {@code q} search reads the request of. */
    static final int SEARCH_SCAN = 5000;
    private static final List<String> FILTERS = List.of("provider", "model", "namespace", "partition", "path",
            "maxAge", "q");

    /** The entries of {@code store} that the query parameters of {@code request} choose, newest first. */
    static EntrySelection of(ResponseStore store, HttpServletRequest request) {
        long maxAge = number(request, "maxAge", -1);
        EntryFilter filter = new EntryFilter(request.getParameter("provider"), request.getParameter("model"),
                request.getParameter("path"), request.getParameter("partition"), request.getParameter("namespace"),
                maxAge < 0 ? null : Duration.ofSeconds(maxAge));
        List<EntrySummary> entries = store.list(filter);
        String q = request.getParameter("q");
        if (q == null || q.isEmpty()) {
            return new EntrySelection(entries, 0, false);
        }
        String wanted = q.toLowerCase(Locale.ROOT);
        List<EntrySummary> found = new ArrayList<>();
        int scanned = Math.min(entries.size(), SEARCH_SCAN);
        for (EntrySummary entry : entries.subList(0, scanned)) {
            Optional<RequestRecord> record = store.request(new CacheKey(entry.key()));
            if (record.isPresent() && mentions(record.get().body(), wanted)) {
                found.add(entry);
            }
        }
        return new EntrySelection(found, scanned, entries.size() > scanned);
    }

    /** Whether a text value anywhere in {@code node} contains {@code wanted} (lower case). */
    private static boolean mentions(JsonNode node, String wanted) {
        if (node.isTextual()) {
            return node.asText().toLowerCase(Locale.ROOT).contains(wanted);
        }
        for (JsonNode child : node) {
            if (mentions(child, wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code request} names at least one filter. */
    static boolean filtered(HttpServletRequest request) {
        return FILTERS.stream().anyMatch(name -> request.getParameter(name) != null);
    }

    /** The whole-number parameter {@code name}, 0 or more; {@code defaultValue} when absent; else a 400. */
    static long number(HttpServletRequest request, String name, long defaultValue) {
        String raw = request.getParameter(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw new ProxyError(400, "invalid_request_error", "invalid_parameter",
                "The query parameter " + name + " must be a whole number of 0 or more.");
    }
}
