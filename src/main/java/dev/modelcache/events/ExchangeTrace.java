package dev.modelcache.events;

import dev.modelcache.http.CacheStatus;
import dev.modelcache.tokens.Usage;

/**
 * What one exchange has come to so far, filled in as the pipeline goes and turned into its
 * {@link ExchangeSummary} once at the end. Belongs to one request thread.
 */
public final class ExchangeTrace {
    private final String method;
    private final String path;
    private final long startNanos = System.nanoTime();
    /** When the client had its last byte, if that came before the exchange's end (a miss stores after). */
    private long deliveredNanos;
    private boolean delivered;
    private String provider;
    private String model;
    private CacheStatus cacheStatus;
    private boolean coalesced;
    private int httpStatus;
    private Usage usage = Usage.NONE;
    private String keyId;
    private String caller;
    private String namespace;
    private long upstreamMillis = -1;
    private final byte[] requestBody;

    public ExchangeTrace(String method, String path) {
        this(method, path, null);
    }

    /** {@code requestBody} goes into the summary for listeners told explicitly to log bodies. */
    public ExchangeTrace(String method, String path, byte[] requestBody) {
        this.method = method;
        this.path = path;
        this.requestBody = requestBody;
    }

    public void route(String providerName, String modelName) {
        provider = providerName;
        model = modelName;
    }

    /**
     * The cache key, who asks (as a name safe to show and count by: a cache partition or a proxy key's name, never a
     * credential) and the namespace ("" for none).
     */
    public void identified(String id, String callerName, String namespaceName) {
        keyId = id;
        caller = callerName;
        namespace = namespaceName;
    }

    /** This exchange's own call to the provider took {@code millis}, until its answer ended or failed. */
    public void upstream(long millis) {
        upstreamMillis = millis;
    }

    /**
     * The client has the whole answer: the exchange's total time ends here, for the store step and the bookkeeping
     * that follow cost the client nothing. Without this call the total runs to the end of the exchange.
     */
    public void delivered() {
        deliveredNanos = System.nanoTime();
        delivered = true;
    }

    public String caller() {
        return caller;
    }

    /** The cache status and the status line the client gets. */
    public void answered(CacheStatus status, int http, boolean fromFlight) {
        cacheStatus = status;
        httpStatus = http;
        coalesced = fromFlight;
    }

    public void usage(Usage tokens) {
        usage = tokens == null ? Usage.NONE : tokens;
    }

    /** The proxy answered with its own error instead. */
    public void failed(int status) {
        httpStatus = status;
    }

    public ExchangeSummary summary() {
        return new ExchangeSummary(method, path, provider, model, cacheStatus, coalesced, httpStatus, usage, keyId, caller,
                ((delivered ? deliveredNanos : System.nanoTime()) - startNanos) / 1_000_000, namespace,
                upstreamMillis, requestBody);
    }
}
