package dev.modelcache.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.http.ProxyError;
import dev.modelcache.provider.ModelProvider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The endpoints under {@code /_cache/}: {@code health} (open to all, for load balancers and Ansible) and
 * {@code stats} (the counters; behind the admin token when one is configured).
 */
public final class AdminEndpoints {
    public static final String PREFIX = "/_cache";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxyStats stats;
    private final List<ModelProvider> providers;
    private final String adminToken;
    private final Instant started = Instant.now();

    public AdminEndpoints(ProxyStats stats, List<ModelProvider> providers, String adminToken) {
        this.stats = stats;
        this.providers = List.copyOf(providers);
        this.adminToken = adminToken;
    }

    /** Answers a request whose path starts with {@link #PREFIX}. */
    public void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            throw new ProxyError(405, "invalid_request_error", "method_not_allowed", "Use GET on " + path + ".");
        }
        switch (path) {
            case PREFIX + "/health" -> write(response, health());
            case PREFIX + "/stats" -> {
                authorize(request);
                write(response, JSON.valueToTree(stats.snapshot()));
            }
            default -> throw new ProxyError(404, "invalid_request_error", "not_found",
                    "No admin endpoint at " + path + ". Try " + PREFIX + "/health or " + PREFIX + "/stats.");
        }
    }

    private ObjectNode health() {
        ObjectNode health = JSON.createObjectNode();
        health.put("status", "ok");
        health.put("version", version());
        health.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        health.putPOJO("providers", providers.stream().map(ModelProvider::name).toList());
        return health;
    }

    private void authorize(HttpServletRequest request) {
        if (adminToken == null) {
            return;
        }
        String sent = request.getHeader("Authorization");
        byte[] expected = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
        if (sent == null || !MessageDigest.isEqual(expected, sent.trim().getBytes(StandardCharsets.UTF_8))) {
            throw new ProxyError(401, "invalid_request_error", "invalid_admin_token",
                    "This endpoint needs the admin token: send Authorization: Bearer <modelcache admin/token>.");
        }
    }

    private static String version() {
        String version = AdminEndpoints.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static void write(HttpServletResponse response, ObjectNode body) throws IOException {
        byte[] bytes = (body.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
