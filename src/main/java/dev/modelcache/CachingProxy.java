package dev.modelcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.admin.ProxyStats;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.CachePolicy.Outcome;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.CachedResponse.Chunk;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.cache.ResponseStore;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.stream.Capture;
import dev.modelcache.stream.Relay;
import dev.modelcache.stream.Replayer;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.tokens.Usage;
import dev.modelcache.upstream.UpstreamClient;
import dev.modelcache.upstream.UpstreamFailure;
import dev.modelcache.upstream.UpstreamResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's one orchestrator, a straight line: resolve the provider, decide the policy, build the key; on a hit
 * replay the stored answer; on a miss make one upstream call per key at a time (identical requests wait for it,
 * see {@link Flight}), relay the answer to the client as it arrives while capturing it, and store it only when it
 * ended normally with a 2xx status.
 */
public final class CachingProxy {
    private static final Logger LOG = System.getLogger(CachingProxy.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Request header asking a replay to keep the original pacing between events. */
    public static final String REPLAY_HEADER = "X-Cache-Replay";
    /** Bytes of a captured answer held in memory before the copy spills to disk. */
    static final int CAPTURE_MEMORY_BYTES = 1024 * 1024;

    private final ProviderTable providers;
    private final CachePolicy policy = new CachePolicy();
    private final CacheKeyFactory keys;
    private final ResponseStore store;
    private final UpstreamClient upstream;
    private final ProxyStats stats;
    private final Path spillDir;
    private final long maxEntryBytes;
    private final Duration coalesceWait;
    private final Map<CacheKey, Flight> flights = new ConcurrentHashMap<>();

    public CachingProxy(ProviderTable providers, CacheKeyFactory keys, ResponseStore store, UpstreamClient upstream,
                        ProxyStats stats, Path spillDir, long maxEntryBytes, Duration coalesceWait) {
        this.providers = providers;
        this.keys = keys;
        this.store = store;
        this.upstream = upstream;
        this.stats = stats;
        this.spillDir = spillDir;
        this.maxEntryBytes = maxEntryBytes;
        this.coalesceWait = coalesceWait;
    }

    public void handle(Exchange exchange, HttpServletResponse response) throws IOException {
        stats.request();
        ModelProvider provider = providers.resolve(exchange.model());
        Decision decision = policy.decide(exchange);
        if (!decision.read() && !decision.write()) {
            stats.bypass();
            forward(exchange, provider, response, Outcome.BYPASS, null, null);
            return;
        }
        CacheKey key = keys.create(provider, exchange);
        boolean realtime = exchange.headers().first(REPLAY_HEADER).orElse("").equalsIgnoreCase("realtime");
        while (true) {
            if (decision.read()) {
                Optional<CachedResponse> hit = store.get(key);
                if (hit.isPresent()) {
                    replay(hit.get(), response, realtime, false);
                    return;
                }
            }
            Flight mine = new Flight(flights, key);
            Flight leader = flights.putIfAbsent(key, mine);
            if (leader == null) {
                lead(key, mine, exchange, provider, decision, response, realtime);
                return;
            }
            Flight.Outcome outcome;
            try {
                outcome = leader.await(coalesceWait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for an identical request");
            }
            if (outcome.live() != null) {
                follow(leader, outcome.live(), response);
                return;
            }
            if (outcome.response() != null) {
                replay(outcome.response(), response, realtime, true);
                return;
            }
            if (outcome.error() != null) {
                throw outcome.error();
            }
            if (outcome.timedOut()) {
                // The leader is still busy after the wait limit: go alone rather than wait without end.
                countMiss(decision.missOutcome());
                forward(exchange, provider, response, decision.missOutcome(), key, null);
                return;
            }
            // The leader broke off: look again, and lead or wait again.
        }
    }

    private void lead(CacheKey key, Flight flight, Exchange exchange, ModelProvider provider, Decision decision,
                      HttpServletResponse response, boolean realtime) throws IOException {
        stats.flightStarted();
        try {
            Optional<CachedResponse> stored = decision.read() ? store.get(key) : Optional.empty();
            if (stored.isPresent()) {
                // Stored by a leader that finished between our look-up and our claim.
                flight.complete(stored.get());
                replay(stored.get(), response, realtime, false);
                return;
            }
            countMiss(decision.missOutcome());
            flight.complete(forward(exchange, provider, response, decision.missOutcome(), key, flight));
        } catch (ProxyError e) {
            flight.fail(e);
            throw e;
        } finally {
            flight.broke();
            flight.detach();
            stats.flightEnded();
        }
    }

    private void countMiss(Outcome outcome) {
        if (outcome == Outcome.REFRESH) {
            stats.refresh();
        } else {
            stats.miss();
        }
    }

    /**
     * Sends the request upstream and relays the answer. With a key, the complete answer is stored when it may be,
     * and returned (for waiters) whatever its status; null when it was too large to keep. With a flight, waiters
     * follow an event stream that may be stored as it is relayed, and an answer that will not be stored stops
     * taking waiters as soon as its status shows it: a client's retry after an error must reach the provider.
     */
    private CachedResponse forward(Exchange exchange, ModelProvider provider, HttpServletResponse response,
                                   Outcome outcome, CacheKey key, Flight flight) throws IOException {
        stats.upstreamCall();
        UpstreamResponse answer;
        try {
            answer = upstream.send(exchange.method(), provider.target(exchange.path(), exchange.query()),
                    upstreamHeaders(exchange, provider), exchange.body());
        } catch (IOException e) {
            stats.upstreamError();
            throw UpstreamFailure.of(e, provider.name(), provider.baseUrl());
        }
        try (answer; Capture capture = new Capture(spillDir, CAPTURE_MEMORY_BYTES, key == null ? 0 : maxEntryBytes)) {
            int status = answer.status();
            if (flight != null && !policy.storable(status)) {
                flight.detach();
            }
            Headers headers = answer.headers();
            boolean eventStream = headers.first("Content-Type").orElse("").toLowerCase(Locale.ROOT)
                    .startsWith("text/event-stream");
            Flight.Live live = flight != null && eventStream && policy.storable(status)
                    ? flight.startLive(status, CachedResponse.storableHeaders(headers), maxEntryBytes) : null;
            response.setStatus(status);
            for (Map.Entry<String, String> field : headers.endToEnd().fields()) {
                response.addHeader(field.getKey(), field.getValue());
            }
            if (!eventStream) {
                headers.first("Content-Length").ifPresent(length -> response.setHeader("Content-Length", length));
            }
            response.setHeader("X-Cache", outcome.name());
            Relay relay = live == null ? new Relay(response.getOutputStream(), capture)
                    : new Relay(response.getOutputStream(), capture, live::add);
            try {
                relay.run(answer.body(), eventStream);
                if (live != null) {
                    live.end(true);
                }
            } catch (IOException e) {
                stats.upstreamError();
                LOG.log(Level.WARNING, "provider '" + provider.name() + "' broke off an answer to " + exchange.method()
                        + " " + exchange.path() + "; nothing stored: " + e);
                if (response.isCommitted()) {
                    // Headers are out: closing the connection is the only way left to tell the client.
                    throw e;
                }
                response.reset();
                throw UpstreamFailure.of(e, provider.name(), provider.baseUrl());
            }
            // The client has everything: end its response now, so token counting and storing cost it no time.
            relay.finish();
            if (key == null || capture.abandoned()) {
                return null;
            }
            // HttpClient fails a chunked or sized body that ends early; a body that simply runs until the
            // connection closes cannot tell a clean end from a cut, so such a stream must show its last event.
            boolean framed = headers.first("Transfer-Encoding").isPresent() || headers.first("Content-Length").isPresent();
            CachedResponse complete = complete(exchange, provider, status, headers, capture.toByteArray(),
                    relay.chunks(), eventStream, framed);
            if (complete != null && policy.storable(status)) {
                store.put(key, RequestRecord.of(provider, exchange, keys), complete);
                stats.stored();
            }
            return complete;
        }
    }

    /**
     * The answer as the cache keeps it, with its token counts; null for a 2xx stream that reported an error, or
     * that came without framing and without its terminal event (it may have been cut).
     */
    private CachedResponse complete(Exchange exchange, ModelProvider provider, int status, Headers headers,
                                    byte[] body, List<Chunk> chunks, boolean eventStream, boolean framed) {
        Usage usage = Usage.NONE;
        if (eventStream) {
            List<String> data = new ArrayList<>();
            boolean terminated = false;
            int from = 0;
            for (Chunk chunk : chunks) {
                SseEvent event = SseEvent.parse(Arrays.copyOfRange(body, from, chunk.end()));
                from = chunk.end();
                if (event.isError() && policy.storable(status)) {
                    return null;
                }
                terminated |= event.isTerminal();
                if (event.data() != null) {
                    data.add(event.data());
                }
            }
            if (!framed && !terminated && policy.storable(status)) {
                return null;
            }
            if (policy.storable(status)) {
                usage = countSafely(() -> provider.streamUsage(exchange.json(), data));
            }
        } else if (policy.storable(status)) {
            JsonNode json = parseJson(body);
            if (json != null) {
                usage = countSafely(() -> provider.usage(exchange.json(), json));
            }
        }
        return new CachedResponse(status, CachedResponse.storableHeaders(headers), body, chunks,
                System.currentTimeMillis(), usage, provider.name(), exchange.model());
    }

    private void replay(CachedResponse entry, HttpServletResponse response, boolean realtime, boolean coalesced)
            throws IOException {
        boolean fromCache = policy.storable(entry.status());
        if (fromCache) {
            stats.hit(entry.usage(), coalesced);
        } else {
            stats.miss();
        }
        response.setStatus(entry.status());
        for (Map.Entry<String, String> field : entry.headers().fields()) {
            response.addHeader(field.getKey(), field.getValue());
        }
        response.setHeader("X-Cache", fromCache ? Outcome.HIT.name() : Outcome.MISS.name());
        if (fromCache) {
            long age = Math.max(0, (System.currentTimeMillis() - entry.storedAtMillis()) / 1000);
            response.setHeader("Age", Long.toString(age));
        }
        if (!entry.isEventStream()) {
            response.setContentLengthLong(entry.bodyLength());
        }
        Replayer.replay(entry, response.getOutputStream(), realtime && entry.isEventStream());
    }

    /**
     * Relays an identical request's event stream to this client as the leader receives it, event by event. The
     * answer counts as a hit (this client costs nothing); its tokens are known once the leader has stored it.
     * If the leader's stream breaks off, this client's connection is closed too.
     */
    private void follow(Flight leader, Flight.Live live, HttpServletResponse response) throws IOException {
        response.setStatus(live.status);
        for (Map.Entry<String, String> field : live.headers.fields()) {
            response.addHeader(field.getKey(), field.getValue());
        }
        response.setHeader("X-Cache", Outcome.HIT.name());
        response.setHeader("Age", "0");
        OutputStream out = response.getOutputStream();
        byte[] piece;
        for (int i = 0; (piece = live.piece(i, coalesceWait)) != null; i++) {
            out.write(piece);
            out.flush();
        }
        out.close();
        Usage saved = Usage.NONE;
        try {
            Flight.Outcome done = leader.awaitOutcome(Duration.ofSeconds(5));
            if (done.response() != null) {
                saved = done.response().usage();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stats.hit(saved, true);
    }

    /**
     * The client's end-to-end header fields, less the proxy's own controls and {@code Accept-Encoding} (the
     * provider answers uncompressed, so the body can be relayed, read and stored as it is), plus the provider's
     * configured key when the caller sent no credential.
     */
    private static Headers upstreamHeaders(Exchange exchange, ModelProvider provider) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(exchange.headers().endToEnd()
                .filter(name -> {
                    String lower = name.toLowerCase(Locale.ROOT);
                    return !lower.startsWith("x-cache") && !lower.equals("accept-encoding") && !lower.equals("expect");
                }).fields());
        if (provider.credential(exchange.headers()).isEmpty()) {
            fields.addAll(provider.defaultAuthentication());
        }
        return Headers.of(fields);
    }

    private static JsonNode parseJson(byte[] body) {
        try {
            return body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private interface Counting {
        Usage count();
    }

    /** Token counting is bookkeeping: a failure there must not lose the answer. */
    private static Usage countSafely(Counting counting) {
        try {
            return counting.count();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "token counting failed, the entry is stored without counts: " + e);
            return Usage.NONE;
        }
    }
}
