package dev.modelcache.servlet;

import dev.modelcache.ModelCache;
import dev.modelcache.admin.AdminPath;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.NamespacePath;
import dev.modelcache.http.ProxyError;
import dev.modelcache.http.Redacted;
import dev.modelcache.http.RequestTarget;
import dev.modelcache.proxy.CachingProxy;
import dev.modelcache.proxy.InFlightRelease;
import dev.modelcache.proxy.Pending;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The one servlet, mapped to {@code /*}: {@code /_cache/...} goes to the admin endpoints (a near spelling of it is
 * refused, see {@link AdminPath}), everything else is read once into an {@link Exchange}, let in by the proxy-key
 * check and handed to the {@link CachingProxy}. A body that arrived with its headers is taken on the spot
 * ({@link BodyBytes#readArrived}); one still on its way is read without blocking ({@link BodyReader}), so slow clients
 * hold no thread (the servlet must be registered async-supported). Errors are answered in the error shape of the
 * provider that owns the path ({@link dev.modelcache.provider.ProviderTable#errorShape}; OpenAI's by default); once an
 * answer's headers are out, a failure closes the connection instead. Error pages the container dispatches here
 * (web.xml {@code <error-page>}) are rendered in the same shape.
 */
public class ModelCacheServlet extends HttpServlet {
    private static final Logger LOG = System.getLogger(ModelCacheServlet.class.getName());
    /** The request attribute holding the failure that breaks a live stream's connection off (see {@link #finish}). */
    private static final String BROKEN = ModelCacheServlet.class.getName() + ".broken";
    /** How long a request body may take to arrive, from the end of the headers (then 408). */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(120);

    private transient ModelCache app;
    private final Duration bodyTimeout;

    /** For containers: the running instance comes from {@link AppLifecycle}. */
    public ModelCacheServlet() {
        this.bodyTimeout = DEFAULT_BODY_TIMEOUT;
    }

    /** For embedding: serve this instance. */
    public ModelCacheServlet(ModelCache app) {
        this(app, DEFAULT_BODY_TIMEOUT);
    }

    /** For embedding: serve this instance, giving a request body {@code bodyTimeout} to arrive. */
    public ModelCacheServlet(ModelCache app, Duration bodyTimeout) {
        this.app = app;
        this.bodyTimeout = bodyTimeout;
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
        if (request.getDispatcherType() == DispatcherType.ERROR) {
            writeContainerError(request, response);
            return;
        }
        if (request.getDispatcherType() == DispatcherType.ASYNC && request.getAttribute(BROKEN) instanceof IOException e) {
            throw e; // a live stream broke off after its head: the container closes the connection (see proxy())
        }
        String uri = request.getRequestURI();
        String raw = uri.substring(Math.min(uri.length(), request.getContextPath().length()));
        String path;
        try {
            // Normal before anything is decided on it: /_cache//stats is the admin endpoint, not a provider's path.
            path = RequestTarget.normalPath(raw);
        } catch (ProxyError e) {
            writeError(response, e, ErrorShape.OPENAI, false);
            return;
        }
        AdminPath.Route route = AdminPath.of(raw, path);
        if (route == AdminPath.Route.ADMIN) {
            guarded(request, response, path, ErrorShape.OPENAI, () -> app.admin().handle(path, request, response));
            return;
        }
        if (route == AdminPath.Route.LOOKALIKE) {
            // A mistyped admin path carries the admin token: answered here, never proxied (see AdminPath).
            writeError(response, AdminPath.lookalike(), ErrorShape.OPENAI, hasBody(request));
            return;
        }
        ErrorShape shape = app.providers().errorShape(NamespacePath.withoutPrefix(path));
        if (!hasProxyKey(request, response, shape)) {
            return;
        }
        if (!hasBody(request) || !request.isAsyncSupported()) {
            proxy(request, response, path, shape);
            return;
        }
        if (request.getContentLengthLong() > app.config().server().maxBodyBytes()) {
            writeError(response, Exchange.tooLarge(app.config().server().maxBodyBytes()), shape, true);
            return;
        }
        BodyBytes arrived = new BodyBytes(request.getContentLengthLong(), app.config().server().maxBodyBytes());
        if (arrived.readArrived(request.getInputStream())) {
            // All of it came with the headers (as API clients send it): going asynchronous would only cost a dispatch.
            request.setAttribute(Exchange.BODY_ATTRIBUTE, arrived.bytes());
            proxy(request, response, path, shape);
            return;
        }
        app.inFlight().bodyStarted();
        AsyncContext async = request.startAsync();
        async.setTimeout(bodyTimeout.toMillis());
        BodyReader reader = new BodyReader(async, request.getInputStream(), app.config().server().maxBodyBytes(),
                arrived, body -> {
            request.setAttribute(Exchange.BODY_ATTRIBUTE, body);
            return proxy(request, response, path, shape);
        }, error -> {
            if (!response.isCommitted()) {
                writeError(response, error, shape, true);
                // Out now: after a read error the container closes the connection once the listener returns.
                response.flushBuffer();
            }
        }, request.getMethod() + " " + path);
        async.addListener(new InFlightRelease(app.inFlight()));
        async.addListener(reader);
        request.getInputStream().setReadListener(reader);
    }

    /**
     * Proxies the request on this thread, counted in flight: a request without a body (or one the container cannot
     * read asynchronously) right away, one with a body once {@link BodyReader} has all of it. True when it is
     * answered; false when its answer (the provider's, awaited and relayed without this thread) goes on without it
     * ({@link CachingProxy#handle}): the request is then asynchronous and {@link #finish} ends it.
     */
    private boolean proxy(HttpServletRequest request, HttpServletResponse response, String path, ErrorShape shape)
            throws IOException {
        app.inFlight().enter();
        boolean wasAsync = request.isAsyncStarted();
        CompletableFuture<Void> done = null;
        boolean now = true;
        try {
            done = guarded(request, response, path, shape, () -> app.proxy().handle(
                    app.proxyKeys().admit(Exchange.read(request, app.config().server().maxBodyBytes())), response,
                    request.isAsyncSupported() ? () -> request.isAsyncStarted() ? request.getAsyncContext()
                            : request.startAsync() : null));
            // A request this call took off its thread is ended by finish(), even when its answer is in already.
            now = done == null || done.isDone() && (wasAsync || !request.isAsyncStarted());
        } finally {
            if (now) {
                app.inFlight().exit();
            }
        }
        if (now) {
            if (done != null) {
                answer(request, response, path, shape, done);
            }
            return true;
        }
        AsyncContext async = request.getAsyncContext();
        CompletableFuture<Void> later = done;
        later.whenComplete((nothing, e) -> finish(request, response, path, shape, async, later));
        return false;
    }

    /** Ends a request whose live stream went on without its thread: answered, errored, or broken off. */
    private void finish(HttpServletRequest request, HttpServletResponse response, String path, ErrorShape shape,
                        AsyncContext async, CompletableFuture<Void> done) {
        app.inFlight().exit();
        try {
            answer(request, response, path, shape, done);
            async.complete();
        } catch (IOException e) {
            request.setAttribute(BROKEN, e);
            async.dispatch();
        } catch (RuntimeException e) {
            // The container gave the request up already (its client went away): nothing left to answer.
            LOG.log(Level.DEBUG, "the request ended before its stream: " + e);
        }
    }

    /** Answers the failure a finished exchange ended with, as {@link #guarded} does for one that threw. */
    private static void answer(HttpServletRequest request, HttpServletResponse response, String path, ErrorShape shape,
                               CompletableFuture<Void> done) throws IOException {
        if (done.isCompletedExceptionally()) {
            Throwable cause = Pending.cause(done.handle((nothing, e) -> e).join());
            guarded(request, response, path, shape, () -> {
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
            });
        }
    }

    /**
     * False, with the 401 answered, when proxy keys are on and the request presents none of them: refused before
     * its body is read, and its connection closed when it has one.
     */
    private boolean hasProxyKey(HttpServletRequest request, HttpServletResponse response, ErrorShape shape)
            throws IOException {
        try {
            app.proxyKeys().require(request);
            return true;
        } catch (ProxyError e) {
            writeError(response, e, shape, hasBody(request));
            return false;
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private interface Work {
        void run() throws IOException;
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /** Runs {@code work}, answering a {@link ProxyError} or an unexpected failure in {@code shape}. */
    private static void guarded(HttpServletRequest request, HttpServletResponse response, String path, ErrorShape shape,
                                Work work) throws IOException {
        guarded(request, response, path, shape, () -> {
            work.run();
            return Boolean.TRUE;
        });
    }

    /** The same, with what {@code work} returns (null after an answered failure). */
    private static <T> T guarded(HttpServletRequest request, HttpServletResponse response, String path, ErrorShape shape,
                                 Call<T> work) throws IOException {
        try {
            return work.run();
        } catch (ProxyError e) {
            if (response.isCommitted()) {
                throw new IOException(e.getMessage(), e);
            }
            writeError(response, e, shape, false);
            return null;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "unexpected failure on " + request.getMethod() + " " + Redacted.text(path),
                    Redacted.throwable(e));
            if (response.isCommitted()) {
                throw new IOException(e);
            }
            writeError(response, new ProxyError(500, "server_error", "proxy_error",
                    "ModelCache failed on this request: " + e.getClass().getSimpleName() + ". See the proxy's log."), shape, false);
            return null;
        }
    }

    /** An error the container dispatched to this servlet through web.xml's {@code <error-page>}. */
    private static void writeContainerError(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer number && number >= 400 ? number : 500;
        if (response.isCommitted()) {
            return;
        }
        writeError(response, containerError(status), ErrorShape.OPENAI, true);
    }

    /** The error shape for a status the container (not the proxy) decided on; no internals in the message. */
    public static ProxyError containerError(int status) {
        return ErrorAnswers.containerError(status);
    }

    private static void writeError(HttpServletResponse response, ProxyError error, ErrorShape shape, boolean close)
            throws IOException {
        ErrorAnswers.write(response, error, shape, close);
    }
}
