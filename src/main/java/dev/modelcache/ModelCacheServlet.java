package dev.modelcache;

import dev.modelcache.admin.AdminEndpoints;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.ProxyError;
import dev.modelcache.http.Redacted;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one servlet, mapped to {@code /*}: {@code /_cache/...} goes to the admin endpoints, everything else is read
 * once into an {@link Exchange} and handed to the {@link CachingProxy}. Errors the proxy produces are answered in
 * the OpenAI error shape; once an answer's headers are out, a failure closes the connection instead.
 */
public class ModelCacheServlet extends HttpServlet {
    private static final Logger LOG = System.getLogger(ModelCacheServlet.class.getName());

    private transient ModelCache app;

    /** For containers: the running instance comes from {@link AppLifecycle}. */
    public ModelCacheServlet() {
    }

    /** For embedding: serve this instance. */
    public ModelCacheServlet(ModelCache app) {
        this.app = app;
    }

    @Override
    public void init() throws ServletException {
        if (app == null) {
            app = (ModelCache) getServletContext().getAttribute(ModelCache.ATTRIBUTE);
            if (app == null) {
                throw new ServletException("ModelCache did not start: " + AppLifecycle.class.getName()
                        + " must be registered as a listener (see WEB-INF/web.xml)");
            }
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String uri = request.getRequestURI();
        String path = uri.substring(Math.min(uri.length(), request.getContextPath().length()));
        try {
            if (path.equals(AdminEndpoints.PREFIX) || path.startsWith(AdminEndpoints.PREFIX + "/")) {
                app.admin().handle(path, request, response);
            } else {
                app.proxy().handle(Exchange.read(request, app.config().maxBodyBytes()), response);
            }
        } catch (ProxyError e) {
            if (response.isCommitted()) {
                throw new IOException(e.getMessage(), e);
            }
            writeError(response, e);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "unexpected failure on " + request.getMethod() + " " + Redacted.text(path),
                    Redacted.throwable(e));
            if (response.isCommitted()) {
                throw new IOException(e);
            }
            writeError(response, new ProxyError(500, "server_error", "proxy_error",
                    "ModelCache failed on this request: " + e.getClass().getSimpleName() + ". See the proxy's log."));
        }
    }

    private static void writeError(HttpServletResponse response, ProxyError error) throws IOException {
        byte[] body = error.body();
        response.reset();
        response.setStatus(error.status());
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        if (error.status() == 502 || error.status() == 504) {
            response.setHeader("Connection", "close");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
