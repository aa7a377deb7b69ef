package dev.modelcache.cache;

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
 * </ul>
 */
public final class CachePolicy {
    /** Path prefixes (below {@code /v1}) whose requests are never cached. */
    static final List<String> STATEFUL_PATHS = List.of("/v1/files", "/v1/uploads", "/v1/batches", "/v1/fine_tuning",
            "/v1/fine-tunes", "/v1/assistants", "/v1/threads", "/v1/vector_stores", "/v1/realtime", "/v1/containers",
            "/v1/organization", "/v1/evals", "/v1/conversations");

    /** The outcome label, sent to the client as {@code X-Cache}. */
    public enum Outcome { HIT, MISS, BYPASS, REFRESH }

    /** Whether to look up the cache, and whether to store the fresh answer. */
    public record Decision(boolean read, boolean write) {
        static final Decision NORMAL = new Decision(true, true);
        static final Decision BYPASS = new Decision(false, false);
        static final Decision REFRESH = new Decision(false, true);

        /** The label for an answer that did not come from the cache. */
        public Outcome missOutcome() {
            return read ? Outcome.MISS : write ? Outcome.REFRESH : Outcome.BYPASS;
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
        if (hasDirective(cacheControl, "no-cache") || hasDirective(pragma, "no-cache")) {
            return Decision.REFRESH;
        }
        return Decision.NORMAL;
    }

    /** Only whole 2xx answers (not 206 partial content) are stored. */
    public boolean storable(int status) {
        return status >= 200 && status < 300 && status != 206;
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
