package dev.modelcache.upstream;

import dev.modelcache.config.UpstreamConfig;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.PushBody;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * The pooled HttpClient 5 that talks to the providers. It sends exactly what it is given (no retries, no
 * redirects, no cookies, and no {@code Accept-Encoding}) and hands back the answer with its body still open for
 * streaming. A provider or its CDN may compress anyway: a {@code gzip}, {@code deflate} or {@code br} body is
 * handed on decoded, without {@code Content-Encoding} and {@code Content-Length} (see {@link ContentDecoding}), so
 * the miss, every hit and the token counts see the same plain bytes. Any other coding comes through untouched,
 * with its {@code Content-Encoding}. Two rules hold for every request it sends, whoever built it: no connection to
 * an address in {@code upstream/denyAddresses} ({@link AddressGuard}, at connect time), and no header carrying the
 * admin token ({@link HeaderPolicy#sendable}).
 *
 * <p>It is HttpClient's asynchronous client: no thread waits while an answer's body is on its way. The request's
 * thread waits for the head ({@link #send}); then the body is read either on that thread as before
 * ({@link UpstreamResponse#body()}) or, for a stream relayed without a thread, as it arrives
 * ({@link UpstreamResponse#pushBody()}). A pool of blocking readers was not chosen: it would cap the streams at its
 * size, as the request threads did.
 */
public final class UpstreamClient implements Closeable {
    private final AddressGuard guard;
    /** Never sent in any header (null: none configured). */
    private final String adminToken;
    private final PoolingAsyncClientConnectionManager pool;
    private final CloseableHttpAsyncClient client;
    /** The longest wait for an answer's head: the client's own timeouts end it before this. */
    private final Duration headWait;
    private final Duration responseTimeout;
    /** Times the providers' silences (see {@link AnswerConsumer#watch}). */
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "modelcache-upstream-timer");
        thread.setDaemon(true);
        return thread;
    });

    /** A client with the timeouts and the connection limit of {@code config} (the limit holds per provider too). */
    public UpstreamClient(UpstreamConfig config) {
        this(config, null);
    }

    /**
     * The same, never connecting to an address in {@code config}'s deny list ({@link AddressGuard}) and never sending
     * {@code adminToken} (may be null) in any header ({@link HeaderPolicy#sendable}).
     */
    public UpstreamClient(UpstreamConfig config, String adminToken) {
        this(config, adminToken, new AddressGuard(config.denyAddresses()));
    }

    public UpstreamClient(Duration connectTimeout, Duration responseTimeout, int maxConnections) {
        this(new UpstreamConfig(connectTimeout, responseTimeout, maxConnections), null);
    }

    UpstreamClient(UpstreamConfig config, String adminToken, AddressGuard guard) {
        this.guard = guard;
        this.adminToken = adminToken;
        this.headWait = config.longestWaitForFirstBytes().multipliedBy(2).plusSeconds(5);
        this.responseTimeout = config.responseTimeout();
        this.pool = PoolingAsyncClientConnectionManagerBuilder.create()
                .setDnsResolver(guard)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        // The provider's silence is timed by AnswerConsumer, which knows when the proxy keeps it waiting.
                        .setSocketTimeout(Timeout.DISABLED)
                        .build())
                .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                .setMaxConnTotal(config.maxConnections())
                .setMaxConnPerRoute(config.maxConnections())
                .build();
        this.client = HttpAsyncClients.custom()
                .setConnectionManager(pool)
                .setIOReactorConfig(IOReactorConfig.custom().setSoTimeout(Timeout.DISABLED).build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(config.connectTimeout()))
                        .setResponseTimeout(Timeout.DISABLED)
                        .setRedirectsEnabled(false)
                        .build())
                // The client sends the caller's User-Agent, or none: not HttpClient's own.
                .addRequestInterceptorLast((request, entity, context) -> {
                    if (context.getAttribute(NO_USER_AGENT) != null) {
                        request.removeHeaders("User-Agent");
                    }
                })
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .useSystemProperties()
                .build();
        client.start();
    }

    private static final String NO_USER_AGENT = "modelcache.noUserAgent";

    /**
     * Sends the request and returns once the status and headers are in. {@code headers} must already be
     * end-to-end only; {@code body} may be empty. A target at a denied address is a {@link DeniedAddressException}
     * before any connection.
     */
    public UpstreamResponse send(String method, URI target, Headers headers, byte[] body) throws IOException {
        Call call = call(method, target, headers, body);
        try {
            return call.head.get(headWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            call.exchange.cancel(true);
            throw new InterruptedIOException("no answer from the provider in " + headWait.toSeconds() + " s");
        } catch (InterruptedException e) {
            call.exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the provider");
        }
    }

    /**
     * Sends the request without waiting: the future completes once the status and headers are in, on the client's
     * I/O thread (do nothing slow there), or fails with the {@link IOException} that {@link #send} would throw (the
     * provider's silence past {@code upstream/responseTimeout}, counted from now, is a {@link java.net.SocketTimeoutException}).
     * So nobody waits while a provider thinks. A target at a denied address is thrown at once.
     */
    public CompletableFuture<UpstreamResponse> sendLater(String method, URI target, Headers headers, byte[] body)
            throws IOException {
        return call(method, target, headers, body).head;
    }

    /** One call under way: its head to come, and the exchange to cancel. */
    private record Call(CompletableFuture<UpstreamResponse> head, Future<Void> exchange) {
    }

    private Call call(String method, URI target, Headers headers, byte[] body) throws IOException {
        guard.check(target);
        BasicHttpRequest request = new BasicHttpRequest(method, target);
        Headers sendable = HeaderPolicy.sendable(headers, adminToken);
        for (Map.Entry<String, String> field : sendable.fields()) {
            request.addHeader(field.getKey(), field.getValue());
        }
        boolean withBody = body.length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        AnswerConsumer consumer = new AnswerConsumer();
        org.apache.hc.client5.http.protocol.HttpClientContext context = org.apache.hc.client5.http.protocol.HttpClientContext.create();
        if (sendable.first("User-Agent").isEmpty()) {
            context.setAttribute(NO_USER_AGENT, Boolean.TRUE);
        }
        Future<Void> exchange = client.execute(new BasicRequestProducer(request,
                withBody ? AsyncEntityProducers.create(body, null) : null), consumer, null, context, null);
        consumer.watch(timer, responseTimeout, () -> exchange.cancel(true));
        CompletableFuture<UpstreamResponse> head = new CompletableFuture<>();
        consumer.head().whenComplete((response, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                head.completeExceptionally(cause instanceof IOException ? cause : new IOException(cause));
            } else {
                head.complete(new Open(response, consumer, exchange));
            }
        });
        return new Call(head, exchange);
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
        pool.close(CloseMode.GRACEFUL);
        timer.shutdownNow();
    }

    private static final class Open implements UpstreamResponse {
        private final HttpResponse response;
        private final AnswerConsumer body;
        private final Future<Void> call;
        private final List<String> codings;
        private final boolean decoded;
        private final Headers headers;
        private final boolean framed;

        Open(HttpResponse response, AnswerConsumer body, Future<Void> call) {
            this.response = response;
            this.body = body;
            this.call = call;
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            for (Header header : response.getHeaders()) {
                fields.add(Map.entry(header.getName(), header.getValue()));
            }
            Headers received = Headers.of(fields);
            this.codings = ContentDecoding.codings(received);
            this.decoded = !body.bodyless() && ContentDecoding.decodable(codings);
            this.headers = decoded ? ContentDecoding.decodedHeaders(received) : received;
            this.framed = decoded || received.first("Transfer-Encoding").isPresent()
                    || received.first("Content-Length").isPresent();
        }

        @Override
        public int status() {
            return response.getCode();
        }

        @Override
        public Headers headers() {
            return headers;
        }

        @Override
        public boolean framed() {
            return framed;
        }

        @Override
        public InputStream body() throws IOException {
            InputStream plain = body.blocking();
            return decoded ? ContentDecoding.decode(plain, codings) : plain;
        }

        @Override
        public PushBody pushBody() {
            return decoded ? null : body;
        }

        @Override
        public void close() {
            // Done with the answer: one read to its end leaves the connection to the pool, else it is cut.
            call.cancel(true);
        }
    }
}
