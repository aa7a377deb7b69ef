package dev.modelcache.cache;

import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.Exchange;
import java.util.List;
import java.util.Locale;

/**
 * What the cache may do with one request, decided from the request alone (a pure function, like OkHttp's
 * {@code CacheStrategy}):
 * <ul>
 *   <li>Only {@code POST} and {@code GET} are cached: the other methods change state. Of the {@code GET}s only
 *       the model listings ({@code /v1/models}) are: every other one reads server-side state that changes
 *       (a background response being polled, stored completions, files).</li>
 *   <li>Paths that create or change server-side state (files, uploads, batches, fine-tuning jobs, assistants,
 *       threads, vector stores, realtime sessions) are passed through: answering a second upload from the cache
 *       would hand back the first upload's id without creating anything.</li>
 *   <li>{@code Cache-Control: no-store} passes the request through without reading or writing the cache (BYPASS);
 *       {@code Cache-Control: no-cache} or {@code Pragma: no-cache} skips the read but stores the fresh answer
 *       (REFRESH).</li>
 *   <li>{@code X-Cache-Coalesce: off} makes the request call the provider itself even while an identical one is
 *       in flight (for requests that must each reach the provider, such as a recorded sequence).</li>
 * </ul>
 */
public final class CachePolicy {
    /** Path prefixes (below {@code /v1}) whose requests are never cached. */
    static final List<String> STATEFUL_PATHS = List.of("/v1/files", "/v1/uploads", "/v1/batches", "/v1/fine_tuning",
            "/v1/fine-tunes", "/v1/assistants", "/v1/threads", "/v1/vector_stores", "/v1/realtime", "/v1/containers",
            "/v1/organization", "/v1/evals", "/v1/conversations");

    /** Request header that switches coalescing off for one request. */
    public static final String COALESCE_HEADER = "X-Cache-Coalesce";

    /**
     * Whether to look up the cache, whether to store the fresh answer, and whether an identical request in flight
     * may answer this one too.
     */
    public record Decision(boolean read, boolean write, boolean coalesce) {
        static final Decision NORMAL = new Decision(true, true, true);
        static final Decision BYPASS = new Decision(false, false, false);
        static final Decision REFRESH = new Decision(false, true, true);

        /** The label for an answer that did not come from the cache. */
        public CacheStatus missStatus() {
            return read ? CacheStatus.MISS : write ? CacheStatus.REFRESH : CacheStatus.BYPASS;
        }

        Decision withoutCoalescing() {
            return new Decision(read, write, false);
        }
    }

    public Decision decide(Exchange exchange) {
        String method = exchange.method();
        if (!method.equals("GET") && !method.equals("POST")) {
            return Decision.BYPASS;
        }
        String path = exchange.path();
        if (method.equals("GET") && !isUnder(path, "/v1/models")) {
            return Decision.BYPASS;
        }
        for (String prefix : STATEFUL_PATHS) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return Decision.BYPASS;
            }
        }
        String cacheControl = exchange.headers().joined("Cache-Control").toLowerCase(Locale.ROOT);
        if (hasDirective(cacheControl, "no-store")) {
            return Decision.BYPASS;
        }
        String pragma = exchange.headers().joined("Pragma").toLowerCase(Locale.ROOT);
        Decision decision = hasDirective(cacheControl, "no-cache") || hasDirective(pragma, "no-cache")
                ? Decision.REFRESH : Decision.NORMAL;
        boolean alone = exchange.headers().first(COALESCE_HEADER).orElse("").trim().equalsIgnoreCase("off");
        return alone ? decision.withoutCoalescing() : decision;
    }

    private static boolean isUnder(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private static boolean hasDirective(String header, String directive) {
        for (String part : header.split(",")) {
            String name = part.trim();
            int eq = name.indexOf('=');
            if ((eq < 0 ? name : name.substring(0, eq).trim()).equals(directive)) {
                return true;
            }
        }
        return false;
    }
}
