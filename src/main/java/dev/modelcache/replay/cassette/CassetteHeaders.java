package dev.modelcache.replay.cassette;

import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The answer's header fields a cassette leaves out: those that change at every call of the same request (request
 * ids, processing times, dates, rate-limit counters), so re-recording an unchanged answer leaves no diff in git.
 * The record files of the cache keep them (a support ticket may need the request id); only an export drops them.
 * The fields a cassette keeps are written sorted by name (the values of one name in their order), so a provider
 * that sends them in another order does not make a diff either.
 *
 * <p>The list is {@link #DEFAULT} plus the names of {@code cache/cassetteDropHeaders}; a name ending in {@code *}
 * drops every field that starts with it. Names are compared ignoring case.
 */
public final class CassetteHeaders {
    /** What changes between two calls of the same request at the providers this proxy knows. */
    public static final List<String> DEFAULT = List.of("date", "x-request-id", "request-id", "apim-request-id",
            "openai-processing-ms", "cf-ray", "x-envoy-upstream-service-time", "x-ratelimit-*",
            "anthropic-ratelimit-*", "retry-after");
    /** The default list alone. */
    public static final CassetteHeaders DEFAULTS = new CassetteHeaders(List.of());

    private final List<String> exact = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();

    /** {@link #DEFAULT} and {@code more} (as {@code cache/cassetteDropHeaders} lists them). */
    public CassetteHeaders(List<String> more) {
        List<String> all = new ArrayList<>(DEFAULT);
        all.addAll(more);
        for (String name : all) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            if (lower.endsWith("*")) {
                prefixes.add(lower.substring(0, lower.length() - 1));
            } else if (!lower.isEmpty()) {
                exact.add(lower);
            }
        }
    }

    /** True when a cassette leaves the field {@code name} out. */
    public boolean drops(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return exact.contains(lower) || prefixes.stream().anyMatch(lower::startsWith);
    }

    /** The fields a cassette keeps of {@code headers}, sorted by name (a stable sort: one name's values keep their order). */
    public Headers kept(Headers headers) {
        List<Map.Entry<String, String>> kept = new ArrayList<>(headers.filter(name -> !drops(name)).fields());
        kept.sort(Comparator.comparing(field -> field.getKey().toLowerCase(Locale.ROOT)));
        return Headers.of(kept);
    }

    /** {@code response} as a cassette keeps it: the same answer, without the fields this list drops. */
    public CachedResponse applied(CachedResponse response) {
        return new CachedResponse(response.status(), kept(response.headers()), response.bodySource(), response.chunks(),
                response.storedAtMillis(), response.usage(), response.provider(), response.model(), response.ttlMillis());
    }
}
