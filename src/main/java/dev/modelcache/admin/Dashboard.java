package dev.modelcache.admin;

import dev.modelcache.http.ProxyError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's page and assets: {@code GET /_cache/} is the page, {@code GET /_cache} redirects there, and
 * {@code GET /_cache/ui/<name>} is one of a fixed list of files kept as classpath resources under
 * {@code dev/modelcache/admin/dashboard/}. Nothing else is ever read, so no path can reach another resource.
 *
 * <p>They are served without the admin token: they hold no data. The page's script reads the data endpoints
 * ({@code stats}, {@code requests}, {@code entries}, {@code mode}), which need the token, asking for it once and
 * keeping it for the tab ({@code sessionStorage}). Every answer carries a strict Content-Security-Policy (only this
 * origin's scripts, styles and connections; no inline code, no framing), {@code nosniff} and {@code no-cache}.
 */
public final class Dashboard {
    /** The page's own path, with its slash: the assets are relative to it. */
    static final String PAGE = AdminEndpoints.PREFIX + "/";
    static final String ASSETS = AdminEndpoints.PREFIX + "/ui/";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
    private static final String RESOURCES = "dashboard/";
    /** The files there are, with their types. */
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8");
    private static final Map<String, byte[]> FILES = load();

    private Dashboard() {
    }

    /** Whether {@code path} (normal, as the servlet made it) is the dashboard's: its page, the bare prefix or an asset. */
    public static boolean serves(String path) {
        return path.equals(AdminEndpoints.PREFIX) || path.equals(PAGE) || path.startsWith(ASSETS);
    }

    /** Answers {@code path}, one {@link #serves} accepts; unknown assets are a 404 in the admin error shape. */
    public static void write(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new ProxyError(405, "invalid_request_error", "method_not_allowed", "Use GET on " + path + ".");
        }
        if (path.equals(AdminEndpoints.PREFIX)) {
            response.setStatus(302);
            response.setHeader("Location", request.getContextPath() + PAGE);
            response.setHeader("Cache-Control", "no-cache");
            response.setContentLength(0);
            return;
        }
        String name = path.equals(PAGE) ? "index.html" : path.substring(ASSETS.length());
        byte[] body = FILES.get(name);
        if (body == null) {
            throw new ProxyError(404, "invalid_request_error", "not_found", "The dashboard has no file " + path
                    + ". Open " + PAGE + " for the dashboard; its files are " + ASSETS + String.join(", ", TYPES.keySet())
                    + ".");
        }
        response.setStatus(200);
        response.setContentType(TYPES.get(name));
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setContentLength(body.length);
        if (method.equals("GET")) {
            response.getOutputStream().write(body);
        }
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> files = new java.util.HashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new IllegalStateException("The dashboard file " + RESOURCES + name + " is missing from the WAR");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("The dashboard file " + name + " could not be read", e);
            }
        }
        return Map.copyOf(files);
    }
}
