package dev.modelcache.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.auth.ProxyKeyCheck;
import dev.modelcache.config.BuildVersion;
import dev.modelcache.http.ProxyError;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.proxy.ExplainPlanner;
import dev.modelcache.replay.ReplayControls;
import dev.modelcache.replay.cassette.ImportLimits;
import dev.modelcache.store.ResponseStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The endpoints under {@code /_cache/}: {@code health} (open to all, for load balancers and Ansible), {@code stats}
 * (the proxy's counters, the store's under {@code "store"}, and sections added with {@link #addStats}),
 * {@code requests} (the latest exchanges), {@code metrics} (Prometheus) and {@code entries}
 * (listing, showing, deleting and pinning the stored entries: {@link EntryEndpoints}); plus those of record and replay ({@link ReplayEndpoints}: mode,
 * explain, report, export, import, sequences). All but health are behind the admin token when one is configured,
 * sent as {@code Authorization: Bearer <token>} or {@code X-Cache-Admin-Token: <token>}. Their parameters come from
 * the query string alone ({@link QueryParameters}): a body is never read as a form.
 */
public final class AdminEndpoints {
    public static final String PREFIX = "/_cache";
    /** Carries the admin token instead of {@code Authorization} (which an explained request may need for itself). */
    public static final String TOKEN_HEADER = "X-Cache-Admin-Token";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int LATEST_DEFAULT = 50;

    private final Supplier<ObjectNode> counters;
    private final ResponseStore store;
    private final List<ModelProvider> providers;
    private final String adminToken;
    private final Instant started = Instant.now();
    private final ReplayEndpoints replay;
    private final EntryEndpoints entries;
    private final Map<String, Supplier<? extends JsonNode>> statsSections = new ConcurrentSkipListMap<>();
    private final Map<String, Supplier<? extends JsonNode>> healthSections = new ConcurrentSkipListMap<>();
    private volatile MetricsEndpoint metrics;
    private volatile IntFunction<? extends JsonNode> latest;

    /** {@code counters}: the flat counters {@code /_cache/stats} shows at its top level (the usage stats'). */
    public AdminEndpoints(Supplier<ObjectNode> counters, ResponseStore store, List<ModelProvider> providers,
                          String adminToken) {
        this(counters, store, providers, adminToken, null);
    }

    AdminEndpoints(Supplier<ObjectNode> counters, ResponseStore store, List<ModelProvider> providers,
                   String adminToken, ReplayEndpoints replay) {
        this.counters = counters;
        this.store = store;
        this.providers = List.copyOf(providers);
        this.adminToken = adminToken;
        this.replay = replay;
        this.entries = new EntryEndpoints(store, replay == null ? stored -> null : replay::cassetteFile);
        if (replay != null && adminToken != null) {
            replay.adminAuthorization("Bearer " + adminToken);
        }
    }

    /**
     * The endpoints with those of record and replay; an explanation admits the explained request with
     * {@code proxyKeys} and plans it with the pipeline's {@code answers}; an import holds to {@code imports} and
     * unpacks below {@code unpackInto}.
     */
    public static AdminEndpoints withReplay(Supplier<ObjectNode> counters, ProviderTable providers,
                                            String adminToken, ReplayControls controls, ProxyKeyCheck proxyKeys,
                                            ExplainPlanner answers, int maxBodyBytes, ImportLimits imports,
                                            Path unpackInto) {
        ReplayEndpoints replay = new ReplayEndpoints(controls, proxyKeys, answers, maxBodyBytes, imports, unpackInto);
        return new AdminEndpoints(counters, controls.store(), providers.providers(), adminToken, replay);
    }

    /** Adds {@code section} to the stats body under {@code name} (the cost ledger under {@code "costs"}). */
    public void addStats(String name, Supplier<? extends JsonNode> section) {
        statsSections.put(name, section);
    }

    /** Adds {@code section} to the health body under {@code name} (the clustered tier's state under {@code "cluster"}). */
    public void addHealth(String name, Supplier<? extends JsonNode> section) {
        healthSections.put(name, section);
    }

    /** Serves {@code metrics} at {@code /_cache/metrics}; without it that path is a 404. */
    public void metrics(MetricsEndpoint endpoint) {
        metrics = endpoint;
    }

    /**
     * Serves {@code latest} at {@code /_cache/requests?limit=N} (the newest N exchanges, default
     * {@value #LATEST_DEFAULT}); without it that path is a 404.
     */
    public void latestRequests(IntFunction<? extends JsonNode> newest) {
        latest = newest;
    }

    /** Answers a request whose path starts with {@link #PREFIX}. */
    public void handle(String path, HttpServletRequest sent, HttpServletResponse response) throws IOException {
        HttpServletRequest request = new QueryParameters(sent);
        if (Dashboard.serves(path)) {
            Dashboard.write(path, request, response);
            return;
        }
        if (replay != null && !path.equals(PREFIX + "/health") && path.startsWith(PREFIX + "/")) {
            authorize(request);
            if (replay.handle(path.substring(PREFIX.length()), request, response)) {
                return;
            }
        }
        if (path.equals(PREFIX + "/entries") || path.startsWith(PREFIX + "/entries/")) {
            authorize(request);
            entries.handle(path.substring((PREFIX + "/entries").length()), request, response);
            return;
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            throw new ProxyError(405, "invalid_request_error", "method_not_allowed", "Use GET on " + path + ".");
        }
        switch (path) {
            case PREFIX + "/health" -> write(response, health());
            case PREFIX + "/stats" -> {
                authorize(request);
                ObjectNode body = JSON.createObjectNode();
                body.setAll(counters.get());
                body.set("store", JSON.valueToTree(store.stats()));
                statsSections.forEach((name, section) -> body.set(name, section.get()));
                write(response, body);
            }
            case PREFIX + "/metrics" -> {
                authorize(request);
                if (metrics == null) {
                    throw new ProxyError(404, "invalid_request_error", "not_found", "Metrics are not kept here.");
                }
                metrics.write(response);
            }
            case PREFIX + "/requests" -> {
                authorize(request);
                if (latest == null) {
                    throw new ProxyError(404, "invalid_request_error", "not_found", "Requests are not kept here.");
                }
                long limit = EntrySelection.number(request, "limit", LATEST_DEFAULT);
                write(response, (ObjectNode) latest.apply((int) Math.min(limit, Integer.MAX_VALUE)));
            }
            default -> throw new ProxyError(404, "invalid_request_error", "not_found",
                    "No admin endpoint at " + path + ". Try " + PREFIX + "/health, /stats, /metrics, /requests, /entries, /mode, /explain, "
                            + "/report, /export or /import under " + PREFIX + ".");
        }
    }

    private ObjectNode health() {
        ObjectNode health = JSON.createObjectNode();
        health.put("status", "ok");
        health.put("version", version());
        // The mode and the process id let a CI recipe prove it reached the proxy it started, in the mode it asked
        // for, and not a stale one left on the port (the pid of the JVM; in a servlet container, the container's).
        if (replay != null) {
            health.put("mode", replay.modeLabel());
        }
        health.put("pid", ProcessHandle.current().pid());
        health.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        health.putPOJO("providers", providers.stream().map(ModelProvider::name).toList());
        healthSections.forEach((name, section) -> health.set(name, section.get()));
        return health;
    }

    private void authorize(HttpServletRequest request) {
        if (adminToken == null) {
            return;
        }
        String sent = request.getHeader(TOKEN_HEADER) != null ? "Bearer " + request.getHeader(TOKEN_HEADER).trim()
                : request.getHeader("Authorization");
        byte[] expected = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
        if (sent == null || !MessageDigest.isEqual(expected, sent.trim().getBytes(StandardCharsets.UTF_8))) {
            throw new ProxyError(401, "invalid_request_error", "invalid_admin_token",
                    "This endpoint needs the admin token: send Authorization: Bearer <modelcache admin/token>.");
        }
    }

    private static String version() {
        return BuildVersion.current();
    }

    static void write(HttpServletResponse response, ObjectNode body) throws IOException {
        byte[] bytes = (body.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
