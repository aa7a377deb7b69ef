package dev.modelcache.admin;

import dev.modelcache.metrics.MetricsListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /_cache/metrics}: the {@link MetricsListener}'s meters in Prometheus' text exposition format, for a
 * scraper. {@link AdminEndpoints} asks for the admin token first, as for every endpoint but health.
 */
public final class MetricsEndpoint {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final MetricsListener metrics;

    public MetricsEndpoint(MetricsListener metrics) {
        this.metrics = metrics;
    }

    void write(HttpServletResponse response) throws IOException {
        byte[] bytes = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
