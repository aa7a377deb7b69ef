package dev.modelcache.upstream;

import dev.modelcache.config.UpstreamConfig;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
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
 */
public final class UpstreamClient implements Closeable {
    private final AddressGuard guard;
    /** Never sent in any header (null: none configured). */
    private final String adminToken;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;

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
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guard)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        .setSocketTimeout(Timeout.of(config.responseTimeout()))
                        .build())
                .setMaxConnTotal(config.maxConnections())
                .setMaxConnPerRoute(config.maxConnections())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(config.connectTimeout()))
                        .setResponseTimeout(Timeout.of(config.responseTimeout()))
                        .setRedirectsEnabled(false)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .disableDefaultUserAgent()
                .useSystemProperties()
                .build();
    }

    /**
     * Sends the request and returns once the status and headers are in. {@code headers} must already be
     * end-to-end only; {@code body} may be empty. A target at a denied address is a {@link DeniedAddressException}
     * before any connection.
     */
    public UpstreamResponse send(String method, URI target, Headers headers, byte[] body) throws IOException {
        guard.check(target);
        HttpUriRequestBase request = new HttpUriRequestBase(method, target);
        for (Map.Entry<String, String> field : HeaderPolicy.sendable(headers, adminToken).fields()) {
            request.addHeader(field.getKey(), field.getValue());
        }
        if (body.length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            request.setEntity(new ByteArrayEntity(body, null));
        }
        ClassicHttpResponse response = client.executeOpen(null, request, null);
        return new Open(response);
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
        pool.close(CloseMode.GRACEFUL);
    }

    private static final class Open implements UpstreamResponse {
        private final ClassicHttpResponse response;
        private final List<String> codings;
        private final boolean decoded;
        private final Headers headers;
        private final boolean framed;

        Open(ClassicHttpResponse response) {
            this.response = response;
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            for (Header header : response.getHeaders()) {
                fields.add(Map.entry(header.getName(), header.getValue()));
            }
            Headers received = Headers.of(fields);
            this.codings = ContentDecoding.codings(received);
            this.decoded = response.getEntity() != null && ContentDecoding.decodable(codings);
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
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                return InputStream.nullInputStream();
            }
            return decoded ? ContentDecoding.decode(entity.getContent(), codings) : entity.getContent();
        }

        @Override
        public void close() {
            try {
                response.close();
            } catch (IOException e) {
                // Closing an answer we are done with: nothing left to save.
            }
        }
    }
}
