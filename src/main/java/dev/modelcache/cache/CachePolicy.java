package dev.modelcache.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What the cache may do with one request, decided from the request, the {@link CacheMode} and the configured
 * policy alone (a pure function, like OkHttp's {@code CacheStrategy}):
 * <ul>
 *   <li>Only {@code POST} and {@code GET} are cached: the other methods change state. Of the {@code GET}s only
 *       the model listings ({@code /v1/models}) are: every other one reads server-side state that changes
 *       (a background response being polled, stored completions, files).</li>
 *   <li>Paths that create or change server-side state (files, uploads, batches, fine-tuning jobs, assistants,
 *       threads, vector stores, realtime sessions) are passed through: answering a second upload from the cache
 *       would hand back the first upload's id without creating anything. Which paths those are is the provider's
 *       knowledge ({@link ProviderFacts#isStateful}).</li>
 *   <li>The mode ({@code cache/mode}, or {@code X-Cache-Mode} for one request): {@code readthrough} reads and
 *       stores, {@code record} stores without reading (REFRESH), {@code replay} reads and never calls the
 *       provider, {@code passthrough} neither reads nor stores (BYPASS).</li>
 *   <li>With {@code cache/policy = deterministic}, only requests with {@code temperature} 0 or a {@code seed} are
 *       cached; the others pass through (BYPASS).</li>
 *   <li>After RFC 9111: {@code Cache-Control: no-store} passes the request through without reading or writing the
 *       cache (BYPASS); {@code no-cache} or {@code Pragma: no-cache} skips the read but stores the fresh answer
 *       (REFRESH); {@code only-if-cached} never calls the provider (a miss is {@code 504 cache_miss});
 *       {@code max-age=N} uses an entry only when it is at most N seconds old.</li>
 *   <li>{@code X-Cache-TTL: N} gives the stored entry a lifetime of N seconds; {@code X-Cache-Namespace: name}
 *       partitions the key; {@code X-Cache-Sequence: on|off} turns sequences on or off for the request.</li>
 *   <li>{@code X-Cache-Coalesce: off} makes the request call the provider itself even while an identical one is
 *       in flight; a sequenced request is never coalesced. {@code X-Cache-Replay: realtime} replays a stored stream
 *       at its recorded pace.</li>
 * </ul>
 * A malformed control, or one sent twice with different values, is refused with 400, naming the header
 * ({@link ControlHeaders}).
 */
public final class CachePolicy {
    /** Request header that switches coalescing off for one request. */
    public static final String COALESCE_HEADER = "X-Cache-Coalesce";
    /** Request header naming the mode for one request. */
    public static final String MODE_HEADER = "X-Cache-Mode";
    /** Request header giving the stored entry's lifetime in seconds. */
    public static final String TTL_HEADER = "X-Cache-TTL";
    /** Request header naming the namespace (one per test or suite; it names the cassette folder too). */
    public static final String NAMESPACE_HEADER = "X-Cache-Namespace";
    /** Request header turning sequences on or off for one request. */
    public static final String SEQUENCE_HEADER = "X-Cache-Sequence";
    /** Request header asking a replayed stream to keep the pacing it had when recorded ({@code realtime}). */
    public static final String REPLAY_HEADER = "X-Cache-Replay";
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Supplier<CacheMode> mode;
    private final boolean deterministicOnly;
    private final boolean sequences;

    /** Read-through, every request, no sequences. */
    public CachePolicy() {
        this(() -> CacheMode.READTHROUGH, false, false);
    }

    /**
     * @param mode              the proxy's mode now (it may change at runtime)
     * @param deterministicOnly {@code cache/policy = deterministic}
     * @param sequences         {@code cache/sequences}: sequences on unless a request turns them off
     */
    public CachePolicy(Supplier<CacheMode> mode, boolean deterministicOnly, boolean sequences) {
        this.mode = mode;
        this.deterministicOnly = deterministicOnly;
        this.sequences = sequences;
    }

    /**
     * What to do with one request: whether to look up the cache, whether to store the fresh answer, whether an
     * identical request in flight may answer this one too, whether the provider may be called at all; the oldest
     * entry it accepts ({@code maxAge}, null: any), the stored entry's lifetime ({@code ttl}, null: the configured
     * one), its {@code namespace} ("" for none), whether it is one of a sequence, and whether a replayed stream
     * keeps its recorded pacing ({@code paced}, {@code X-Cache-Replay: realtime}).
     */
    public record Decision(boolean read, boolean write, boolean coalesce, boolean upstream, CacheMode mode,
                           Duration maxAge, Duration ttl, String namespace, boolean sequence, boolean paced) {
        /** The label for an answer that did not come from the cache. */
        public CacheStatus missStatus() {
            return read ? CacheStatus.MISS : write ? CacheStatus.REFRESH : CacheStatus.BYPASS;
        }

        /** True when the cache is not involved at all (no key is needed). */
        public boolean bypass() {
            return !read && !write;
        }

        /** True when {@code storedAtMillis} is recent enough for this request's {@code max-age}. */
        public boolean fresh(long storedAtMillis, long nowMillis) {
            return maxAge == null || nowMillis - storedAtMillis <= maxAge.toMillis();
        }
    }

    /**
     * The decision for a request whose provider is not at hand: no path counts as stateful, only the method rules.
     * The proxy itself always names the provider ({@link #decide(Exchange, ProviderFacts)}).
     */
    public Decision decide(Exchange exchange) {
        return decide(exchange, null);
    }

    /** What {@code X-Cache-Mode} accepts. */
    private static final List<String> MODE_LABELS = Arrays.stream(CacheMode.values()).map(CacheMode::label).toList();
    private static final List<String> REPLAY_VALUES = List.of("realtime");

    /** The decision for a request to {@code provider}, which says which of its paths are stateful (null: none). */
    public Decision decide(Exchange exchange, ProviderFacts provider) {
        return decide(exchange, provider != null && provider.isStateful(exchange.path()), () -> deterministic(exchange));
    }

    /**
     * The same, with whether the provider counts the path as stateful ({@link ProviderFacts#isStateful}) and whether
     * the body asks for a repeatable answer ({@link #deterministic}) known already: a request whose plan is remembered
     * by its bytes need not parse its body nor scan the provider's paths for them.
     */
    public Decision decide(Exchange exchange, boolean stateful, BooleanSupplier deterministic) {
        Headers headers = exchange.headers();
        ControlHeaders controls = new ControlHeaders(headers);
        CacheMode mode = controls.oneOf(MODE_HEADER, MODE_LABELS)
                .flatMap(CacheMode::parse).orElseGet(this.mode);
        String namespace = namespace(controls);
        Duration ttl = seconds(controls.value(TTL_HEADER).orElse(null), TTL_HEADER, 1);
        boolean sequence = controls.onOff(SEQUENCE_HEADER).orElse(sequences);
        boolean coalesce = controls.onOff(COALESCE_HEADER).orElse(true);
        boolean paced = controls.oneOf(REPLAY_HEADER, REPLAY_VALUES).isPresent();
        String cacheControl = headers.joined("Cache-Control").toLowerCase(Locale.ROOT);
        Duration maxAge = seconds(directive(cacheControl, "max-age"), "Cache-Control max-age", 0);
        boolean upstream = mode != CacheMode.REPLAY && directive(cacheControl, "only-if-cached") == null;
        if (!cacheable(exchange, stateful) || mode == CacheMode.PASSTHROUGH || directive(cacheControl, "no-store") != null
                || (deterministicOnly && !deterministic.getAsBoolean())) {
            return new Decision(false, false, false, upstream, mode, null, null, namespace, false, false);
        }
        String pragma = headers.joined("Pragma").toLowerCase(Locale.ROOT);
        boolean refresh = mode == CacheMode.RECORD || directive(cacheControl, "no-cache") != null
                || directive(pragma, "no-cache") != null;
        boolean read = !refresh || !upstream;
        return new Decision(read, upstream, coalesce && !sequence, upstream, mode, maxAge, ttl, namespace, sequence, paced);
    }

    /** Only GET and POST, of the GETs only the model listings, and no path that creates or changes state. */
    private static boolean cacheable(Exchange exchange, boolean stateful) {
        String method = exchange.method();
        String path = exchange.path();
        if (!method.equals("POST") && !(method.equals("GET") && isUnder(path, "/v1/models"))) {
            return false;
        }
        return !stateful;
    }

    /**
     * True when the request asks for a repeatable answer: {@code temperature} 0 or a {@code seed}. A request
     * without a JSON body (a model listing) counts as deterministic.
     */
    public static boolean deterministic(Exchange exchange) {
        JsonNode body = exchange.json();
        if (body == null || !body.isObject()) {
            return true;
        }
        JsonNode temperature = body.get("temperature");
        JsonNode seed = body.get("seed");
        return (temperature != null && temperature.isNumber() && temperature.decimalValue().signum() == 0)
                || (seed != null && !seed.isNull());
    }

    /** True when {@code name} is a namespace: a letter or digit, then up to 127 letters, digits, '.', '_' or '-'. */
    public static boolean isNamespace(String name) {
        return NAMESPACE.matcher(name).matches();
    }

    private static String namespace(ControlHeaders controls) {
        String namespace = controls.value(NAMESPACE_HEADER).orElse("");
        if (!namespace.isEmpty() && !NAMESPACE.matcher(namespace).matches()) {
            throw ControlHeaders.refused(NAMESPACE_HEADER, "The " + NAMESPACE_HEADER
                    + " header must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        return namespace;
    }

    private static Duration seconds(String value, String name, long min) {
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.trim().replace("\"", ""));
            if (seconds >= min) {
                return Duration.ofSeconds(Math.min(seconds, Long.MAX_VALUE / 1000));
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw ProxyError.badRequest("invalid_cache_control", "The " + name + " value must be a whole number of seconds, "
                + min + " or more.");
    }

    private static boolean isUnder(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** The value of {@code directive} in a comma-separated header ("" when it has none), or null when absent. */
    private static String directive(String header, String directive) {
        for (String part : header.split(",")) {
            String name = part.trim();
            int eq = name.indexOf('=');
            if ((eq < 0 ? name : name.substring(0, eq).trim()).equals(directive)) {
                return eq < 0 ? "" : name.substring(eq + 1).trim();
            }
        }
        return null;
    }
}
