package dev.modelcache.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.http.ProxyError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The entries under {@code /_cache/entries} (the admin token is checked by {@link AdminEndpoints}):
 * <ul>
 *   <li>{@code GET /entries}: a page of the entries {@link EntrySelection} chooses, newest first ({@code limit},
 *       default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}; {@code offset}), with the total and the
 *       offset of the next page.</li>
 *   <li>{@code GET /entries/{id}}: one entry's request and response ({@link EntryView}); the id is the key or a
 *       unique prefix of at least {@value #MIN_PREFIX} hex digits, as X-Cache-Key shows it.</li>
 *   <li>{@code DELETE /entries/{id}}; {@code DELETE /entries?<filters>}; {@code DELETE /entries?all=true&confirm=N},
 *       where N is the current entry count. Cassette entries are read-only and stay.</li>
 *   <li>{@code PUT} and {@code DELETE /entries/{id}/pin}: a pinned entry is never evicted nor expired.</li>
 * </ul>
 */
final class EntryEndpoints {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MIN_PREFIX = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResponseStore store;
    /** The file an export gives an entry, from its stored request (null: none, or no export here). */
    private final Function<RequestRecord, String> cassetteFile;

    EntryEndpoints(ResponseStore store, Function<RequestRecord, String> cassetteFile) {
        this.store = store;
        this.cassetteFile = cassetteFile;
    }

    /** Answers {@code rest}, the path after {@code /_cache/entries} ("" or "/{id}" or "/{id}/pin"). */
    void handle(String rest, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String[] parts = rest.isEmpty() ? new String[0] : rest.substring(1).split("/", -1);
        if (parts.length == 0) {
            switch (method) {
                case "GET", "HEAD" -> AdminEndpoints.write(response, page(request));
                case "DELETE" -> AdminEndpoints.write(response, deleteMatching(request));
                default -> throw notAllowed(method, "GET or DELETE");
            }
        } else if (parts.length == 1) {
            CacheKey key = resolve(parts[0]);
            switch (method) {
                case "GET", "HEAD" -> AdminEndpoints.write(response, show(key));
                case "DELETE" -> {
                    delete(key);
                    response.setStatus(204);
                }
                default -> throw notAllowed(method, "GET or DELETE");
            }
        } else if (parts.length == 2 && parts[1].equals("pin")) {
            CacheKey key = resolve(parts[0]);
            switch (method) {
                case "PUT" -> AdminEndpoints.write(response, pin(key, true));
                case "DELETE" -> AdminEndpoints.write(response, pin(key, false));
                default -> throw notAllowed(method, "PUT or DELETE");
            }
        } else {
            throw new ProxyError(404, "invalid_request_error", "not_found",
                    "No admin endpoint at /_cache/entries" + rest + ". Try /_cache/entries/{id} or /_cache/entries/{id}/pin.");
        }
    }

    private ObjectNode page(HttpServletRequest request) {
        long limit = EntrySelection.number(request, "limit", DEFAULT_LIMIT);
        if (limit > MAX_LIMIT) {
            throw new ProxyError(400, "invalid_request_error", "invalid_parameter",
                    "The query parameter limit is at most " + MAX_LIMIT + "; page with offset.");
        }
        long offset = EntrySelection.number(request, "offset", 0);
        EntrySelection selection = EntrySelection.of(store, request);
        List<EntrySummary> all = selection.entries();
        ObjectNode body = JSON.createObjectNode();
        body.put("count", all.size());
        body.put("bytes", all.stream().mapToLong(EntrySummary::fileBytes).sum());
        body.put("offset", offset);
        body.put("limit", limit);
        long next = offset + limit;
        if (next < all.size()) {
            body.put("next", next);
        } else {
            body.putNull("next");
        }
        searchNote(body, request, selection);
        ArrayNode entries = body.putArray("entries");
        all.stream().skip(offset).limit(limit).forEach(entry -> {
            ObjectNode shown = JSON.valueToTree(entry);
            shown.put("pinned", store.pinned(new CacheKey(entry.key())));
            entries.add(shown);
        });
        return body;
    }

    private static void searchNote(ObjectNode body, HttpServletRequest request, EntrySelection selection) {
        if (request.getParameter("q") != null && !request.getParameter("q").isEmpty()) {
            ObjectNode search = body.putObject("search");
            search.put("q", request.getParameter("q"));
            search.put("scanned", selection.scanned());
            search.put("cut", selection.cut());
            if (selection.cut()) {
                search.put("note", "Only the " + EntrySelection.SEARCH_SCAN + " newest entries matching the other "
                        + "filters were searched; narrow them (provider, model, namespace, path, maxAge) to search older ones.");
            }
        }
    }

    private ObjectNode show(CacheKey key) {
        Optional<RequestRecord> request = store.request(key);
        Optional<CachedResponse> response = request.isEmpty() ? Optional.empty() : store.get(key);
        if (response.isEmpty()) {
            throw absent(key.hex());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", key.hex());
        body.put("shortId", key.shortId());
        body.put("pinned", store.pinned(key));
        String file = cassetteFile.apply(request.get());
        if (file != null) {
            body.put("cassetteFile", file); // X-Cache-Key is the caller's key; the file is named by the shared one
        }
        body.set("request", EntryView.request(request.get()));
        body.set("response", EntryView.response(response.get()));
        return body;
    }

    private void delete(CacheKey key) {
        if (!store.remove(key)) {
            throw store.request(key).isPresent() ? readOnly(key, "deleted") : absent(key.hex());
        }
    }

    private ObjectNode deleteMatching(HttpServletRequest request) {
        boolean all = "true".equals(request.getParameter("all"));
        if (!all && !EntrySelection.filtered(request)) {
            throw new ProxyError(400, "invalid_request_error", "filter_required",
                    "DELETE /_cache/entries needs at least one filter (provider, model, namespace, partition, path, "
                            + "maxAge, q), or all=true with confirm=<the current entry count> to remove everything.");
        }
        List<EntrySummary> chosen;
        EntrySelection selection = null;
        if (all) {
            chosen = store.list(EntryFilter.ALL);
            String confirm = request.getParameter("confirm");
            if (confirm == null || !confirm.trim().equals(String.valueOf(chosen.size()))) {
                throw new ProxyError(409, "invalid_request_error", "confirmation_required",
                        "This removes every entry (" + chosen.size() + " now). To confirm, send DELETE "
                                + "/_cache/entries?all=true&confirm=" + chosen.size() + ".");
            }
        } else {
            selection = EntrySelection.of(store, request);
            chosen = selection.entries();
        }
        int deleted = 0;
        int readOnly = 0;
        for (EntrySummary entry : chosen) {
            if (store.remove(new CacheKey(entry.key()))) {
                deleted++;
            } else if (store.request(new CacheKey(entry.key())).isPresent()) {
                readOnly++;
            }
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("matched", chosen.size());
        body.put("deleted", deleted);
        body.put("readOnly", readOnly);
        if (readOnly > 0) {
            body.put("note", readOnly + " matching entries come from read-only cassettes (cache/cassettes) and stay.");
        }
        if (selection != null) {
            searchNote(body, request, selection);
        }
        return body;
    }

    private ObjectNode pin(CacheKey key, boolean pinned) {
        if (!store.setPinned(key, pinned)) {
            throw store.request(key).isPresent() ? readOnly(key, "pinned") : absent(key.hex());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", key.hex());
        body.put("pinned", pinned);
        return body;
    }

    /** The key {@code id} names: the whole key, or the one entry whose key starts with it (12 hex digits or more). */
    private CacheKey resolve(String id) {
        String hex = id.toLowerCase(Locale.ROOT);
        if (hex.length() < MIN_PREFIX || hex.length() > 64 || !hex.matches("[0-9a-f]+")) {
            throw new ProxyError(400, "invalid_request_error", "invalid_entry_id", "An entry id is its key, 64 hex "
                    + "digits, or a prefix of at least " + MIN_PREFIX + " (as X-Cache-Key shows it); not " + id + ".");
        }
        if (hex.length() == 64) {
            return new CacheKey(hex);
        }
        List<String> keys = store.list(EntryFilter.ALL).stream().map(EntrySummary::key)
                .filter(key -> key.startsWith(hex)).limit(2).toList();
        if (keys.isEmpty()) {
            throw absent(hex);
        }
        if (keys.size() > 1) {
            throw new ProxyError(400, "invalid_request_error", "ambiguous_entry_id",
                    "More than one entry's key starts with " + hex + "; send more of the key.");
        }
        return new CacheKey(keys.get(0));
    }

    private static ProxyError absent(String id) {
        return new ProxyError(404, "invalid_request_error", "entry_not_found", "No entry has the id " + id + ".");
    }

    private static ProxyError readOnly(CacheKey key, String what) {
        return new ProxyError(409, "invalid_request_error", "entry_read_only", "The entry " + key.shortId()
                + " comes from a cassette (cache/cassettes), which is read-only: it cannot be " + what + " here.");
    }

    private static ProxyError notAllowed(String method, String allowed) {
        return new ProxyError(405, "invalid_request_error", "method_not_allowed",
                method + " is not allowed here; use " + allowed + ".");
    }
}
