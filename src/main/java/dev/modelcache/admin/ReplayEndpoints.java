package dev.modelcache.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.auth.ProxyKeyCheck;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CacheMode;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.proxy.ExplainPlanner;
import dev.modelcache.replay.Explanation;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.replay.ModeSwitch;
import dev.modelcache.replay.ReplayControls;
import dev.modelcache.replay.ReplayReport;
import dev.modelcache.replay.Sequences;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.replay.cassette.CassetteFilter;
import dev.modelcache.replay.cassette.CassetteHeaders;
import dev.modelcache.replay.cassette.Cassettes;
import dev.modelcache.replay.cassette.ImportLimits;
import dev.modelcache.store.ResponseStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The admin endpoints of record and replay, under {@code /_cache/}, all behind the admin token:
 * <ul>
 *   <li>{@code GET /_cache/mode}, and {@code PUT /_cache/mode} with {@code {"mode":"replay"}} (or
 *       {@code ?mode=replay}): the proxy's mode, changed at runtime for the requests that follow;</li>
 *   <li>{@code POST /_cache/explain} with {@code {"method","path","headers","body"}}, or
 *       {@code POST /_cache/explain/v1/chat/completions} with the request's own headers and body: whether it
 *       would hit, and if not, why, in full, as the pipeline plans it ({@link ExplainPlanner}: the same
 *       proxy-key admission, key and sequence step, expiry and {@code max-age}; a sequence is not advanced);</li>
 *   <li>{@code GET /_cache/report} (optionally {@code ?namespace=}): the misses since start or reset, with their
 *       explanations, and the stored entries never used; {@code POST /_cache/report/reset} starts it over;</li>
 *   <li>{@code GET /_cache/export} (optionally {@code ?namespace=&model=&path=}): a zip of cassettes;
 *       {@code POST /_cache/import} (optionally {@code ?namespace=}) with such a zip: its entries, re-keyed into
 *       the shared partition ({@link CassetteImport});</li>
 *   <li>{@code POST /_cache/sequences/reset} (optionally {@code ?namespace=}): sequences start again at their
 *       first recorded answer.</li>
 * </ul>
 */
final class ReplayEndpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModeSwitch mode;
    private final ReplayReport report;
    private final Sequences sequences;
    private final ResponseStore store;
    private final CacheKeyFactory keys;
    private final CassetteHeaders cassetteHeaders;
    private final MissExplainer explainer;
    private final ProxyKeyCheck proxyKeys;
    private final ExplainPlanner answers;
    private final int maxBodyBytes;
    private final ImportLimits imports;
    private final Path unpackInto;
    private String adminAuthorization;

    ReplayEndpoints(ReplayControls controls, ProxyKeyCheck proxyKeys, ExplainPlanner answers, int maxBodyBytes,
                    ImportLimits imports, Path unpackInto) {
        this.mode = controls.mode();
        this.report = controls.report();
        this.sequences = controls.sequences();
        this.store = controls.store();
        this.keys = controls.keys();
        this.cassetteHeaders = new CassetteHeaders(controls.cassetteDropHeaders());
        this.explainer = controls.explainer();
        this.proxyKeys = proxyKeys;
        this.answers = answers;
        this.maxBodyBytes = maxBodyBytes;
        this.imports = imports;
        this.unpackInto = unpackInto;
    }

    /** The {@code Authorization} value that carries the admin token, hidden from explained requests. */
    void adminAuthorization(String value) {
        this.adminAuthorization = value;
    }

    /** Where an export of this proxy puts the entry whose stored request is {@code stored} (see {@link Cassettes#fileOf}). */
    String cassetteFile(RequestRecord stored) {
        return Cassettes.fileOf(stored, keys);
    }

    /** Answers {@code path} (below the prefix, e.g. {@code /mode}); false when it is not one of these. */
    boolean handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (path.equals("/export")) {
            allow(request.getMethod(), "GET", path);
            CassetteFilter filter = new CassetteFilter(namespace(request), request.getParameter("model"),
                    request.getParameter("path"));
            response.setStatus(200);
            response.setContentType("application/zip");
            response.setHeader("Content-Disposition", "attachment; filename=\"modelcache-cassettes.zip\"");
            response.setHeader("Cache-Control", "no-store");
            Cassettes.exportZip(store, filter, response.getOutputStream(), keys, cassetteHeaders);
            return true;
        }
        ObjectNode answer = answer(path, request);
        if (answer != null) {
            AdminEndpoints.write(response, answer);
        }
        return answer != null;
    }

    private ObjectNode answer(String path, HttpServletRequest request) throws IOException {
        String method = request.getMethod();
        switch (path) {
            case "/import" -> {
                allow(method, "POST", path);
                return CassetteImport.run(request, namespace(request), store::put, keys, imports, unpackInto);
            }
            case "/mode" -> {
                if (method.equals("PUT") || method.equals("POST")) {
                    return setMode(request);
                }
                allow(method, "GET", path);
                return modeNow(null);
            }
            case "/report" -> {
                allow(method, "GET", path);
                String namespace = request.getParameter("namespace");
                return report.snapshot(store.list(new EntryFilter(null, null, null, null, namespace, null)));
            }
            case "/report/reset" -> {
                allow(method, "POST", path);
                report.reset();
                return status("reset");
            }
            case "/sequences/reset" -> {
                allow(method, "POST", path);
                ObjectNode done = status("reset");
                done.put("sequences", sequences.reset(request.getParameter("namespace")));
                return done;
            }
            default -> {
                if (path.equals("/explain") || path.startsWith("/explain/")) {
                    allow(method, "POST", path);
                    return explain(path.substring("/explain".length()), request);
                }
                return null;
            }
        }
    }

    /** The {@code namespace} query parameter, checked; null when absent. */
    private static String namespace(HttpServletRequest request) {
        String namespace = request.getParameter("namespace");
        if (namespace != null && !namespace.isEmpty() && !CachePolicy.isNamespace(namespace)) {
            throw ProxyError.badRequest("invalid_cache_namespace", "The namespace parameter must be 1 to 128 letters, "
                    + "digits, '.', '_' or '-', starting with a letter or digit.");
        }
        return namespace;
    }

    private ObjectNode setMode(HttpServletRequest request) throws IOException {
        String wanted = request.getParameter("mode");
        if (wanted == null) {
            wanted = readJson(request).path("mode").asText(null);
        }
        CacheMode next = CacheMode.parse(wanted).orElseThrow(() -> ProxyError.badRequest("invalid_cache_mode",
                "Send {\"mode\": \"readthrough\" | \"record\" | \"replay\" | \"passthrough\"}."));
        return modeNow(mode.set(next));
    }

    /** The mode now, as {@code /_cache/health} reports it. */
    String modeLabel() {
        return mode.get().label();
    }

    private ObjectNode modeNow(CacheMode previous) {
        ObjectNode body = JSON.createObjectNode();
        body.put("mode", mode.get().label());
        if (previous != null) {
            body.put("previous", previous.label());
        }
        return body;
    }

    /**
     * The explanation for one request: given whole ({@code {"method","path","headers","body"}}) when
     * {@code target} is empty, else the request's own body and headers sent to {@code /explain<target>}.
     */
    private ObjectNode explain(String target, HttpServletRequest request) throws IOException {
        Exchange exchange;
        if (target.isEmpty()) {
            JsonNode wrapper = readJson(request);
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            wrapper.path("headers").fields().forEachRemaining(f -> fields.add(Map.entry(f.getKey(), f.getValue().asText())));
            JsonNode body = wrapper.path("body");
            if (!wrapper.hasNonNull("path")) {
                throw ProxyError.badRequest("invalid_request", "Send {\"method\": \"POST\", \"path\": \"/v1/chat/completions\", "
                        + "\"headers\": {...}, \"body\": {...}}, or POST the request itself to /_cache/explain/<its path>.");
            }
            exchange = new Exchange(wrapper.path("method").asText("POST"), wrapper.path("path").asText(), null,
                    Headers.of(fields), body.isMissingNode() || body.isNull() ? new byte[0] : JSON.writeValueAsBytes(body));
        } else {
            exchange = Exchange.read(new ExplainTarget(request, target, adminAuthorization), maxBodyBytes);
        }
        // As the servlet hands a request to the pipeline: admitted by its proxy key (the 401 without one), then
        // planned by the pipeline itself, so the key, partition and sequence step are the proxy's own.
        ExplainPlanner.Planned plan = answers.plan(proxyKeys.admit(exchange));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("key", plan.key().shortId());
        answer.put("provider", plan.provider());
        answer.put("cacheable", plan.cacheable());
        boolean hit = plan.hit();
        answer.put("hit", hit);
        if (!hit) {
            Explanation explanation = explainer.explain(plan.request());
            answer.set("explanation", explanation.toJson());
        }
        return answer;
    }

    private JsonNode readJson(HttpServletRequest request) throws IOException {
        byte[] bytes = request.getInputStream().readNBytes(maxBodyBytes + 1);
        if (bytes.length > maxBodyBytes) {
            throw Exchange.tooLarge(maxBodyBytes);
        }
        try {
            // The request parser: a wrapped body keeps its numbers' exact values (1e400 is not the double
            // infinity) and its long strings and names, as the proxy reads the request itself.
            JsonNode node = JsonParsers.REQUEST.readTree(bytes);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException | NumberFormatException e) {
            // Jackson throws NumberFormatException, not an IOException, for a number whose exponent overflows
            // (1e2147483648): still a body this endpoint cannot read, not a fault of the proxy.
            throw ProxyError.badRequest("invalid_json", "The request body is not valid JSON.");
        }
    }

    private static void allow(String method, String allowed, String path) {
        if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
            throw new ProxyError(405, "invalid_request_error", "method_not_allowed",
                    "Use " + allowed + " on " + AdminEndpoints.PREFIX + path + ".");
        }
    }

    private static ObjectNode status(String status) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", status);
        return body;
    }
}
