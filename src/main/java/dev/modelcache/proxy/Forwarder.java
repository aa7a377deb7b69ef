package dev.modelcache.proxy;

import dev.modelcache.stream.Chunk;
import dev.modelcache.cache.StorageVerdict;
import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.events.UpstreamCall.Result;
import dev.modelcache.flight.Flight;
import dev.modelcache.flight.LiveStream;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.http.Redacted;
import dev.modelcache.http.ResponseHead;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.stream.Capture;
import dev.modelcache.stream.Relay;
import dev.modelcache.stream.StreamEvents;
import dev.modelcache.stream.StreamFraming;
import dev.modelcache.upstream.UpstreamClient;
import dev.modelcache.upstream.UpstreamFailure;
import dev.modelcache.upstream.UpstreamResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import jakarta.servlet.AsyncContext;
import dev.modelcache.stream.PushBody;

/**
 * Sends one request to its provider and relays the answer to the client as it arrives, keeping a copy at the same
 * time (after Jetty's proxy servlets: one hook builds the upstream header fields, one place writes the client's
 * head). It decides nothing about the cache: it hands back the {@link Relayed} answer for the pipeline to judge.
 */
public final class Forwarder {
    private static final Logger LOG = System.getLogger(Forwarder.class.getName());
    /** Bytes of a captured answer held in memory before the copy spills to disk. */
    static final int CAPTURE_MEMORY_BYTES = 1024 * 1024;

    private final UpstreamClient upstream;
    private final ProxyListener events;
    private final Path spillDir;
    private final long maxEntryBytes;

    public Forwarder(UpstreamClient upstream, ProxyListener events, Path spillDir, long maxEntryBytes) {
        this.upstream = upstream;
        this.events = events;
        this.spillDir = spillDir;
        this.maxEntryBytes = maxEntryBytes;
    }

    /**
     * An answer relayed whole to the client, with its copy (empty when none was kept) and, for an event stream, what
     * its events said as they passed ({@code events}, null for any other body); closing it drops the copy.
     */
    record Relayed(int status, Headers headers, boolean eventStream, boolean framed, Capture capture,
                   List<Chunk> chunks, StreamEvents events) implements AutoCloseable {
        @Override
        public void close() {
            capture.close();
        }
    }

    /**
     * Relays the provider's answer under {@code label}, copied (up to {@code cache/maxEntryMB}) whether or not it may
     * be stored, so that its tokens are counted either way; with a {@code flight}, an answer that will not be stored
     * stops taking newcomers as soon as its status shows it, one that may be stored is what reads of its key follow
     * until it is, and followers may follow an event stream live. A failure before the head went out is the proxy's
     * 502 or 504; after it, the client's connection is broken off; either way the flight ends with the 502 or 504,
     * which its followers answer (those following a live stream are broken off with it).
     */
    Relayed forward(Exchange exchange, ModelProvider provider, HttpServletResponse response, CacheStatus label,
                    Flight flight, ExchangeTrace trace) throws IOException {
        return forward(exchange, provider, response, label, flight, trace, null).getNow(null);
    }

    /**
     * The same; with {@code async} (how to take the request off its thread; null: never), an event stream is relayed
     * without a thread once its first bytes are in ({@link LiveLeg}), and the answer is complete later: the future
     * then fails with the {@link ProxyError} to answer, or with the {@link IOException} that must break the client's
     * connection off. Otherwise it is complete (or thrown) on return, as before.
     */
    CompletableFuture<Relayed> forward(Exchange exchange, ModelProvider provider, HttpServletResponse response,
                                       CacheStatus label, Flight flight, ExchangeTrace trace,
                                       Supplier<AsyncContext> async) throws IOException {
        long start = System.nanoTime();
        UpstreamResponse answer;
        try {
            answer = upstream.send(exchange.method(), provider.target(exchange.path(), exchange.query()),
                    upstreamHeaders(exchange, provider), exchange.body());
        } catch (IOException e) {
            boolean timeout = UpstreamFailure.isTimeout(e);
            long took = millisSince(start);
            trace.upstream(took);
            events.upstreamCall(new UpstreamCall(provider.name(), timeout ? Result.TIMEOUT : Result.UNREACHABLE, 0, took, took));
            throw UpstreamFailure.of(e, provider.name(), provider.baseUrl());
        }
        Headers headers = answer.headers();
        // A content coding the upstream layer could not undo: relayed as it came, never kept nor shared.
        boolean encoded = stillEncoded(headers);
        Capture capture = new Capture(spillDir, CAPTURE_MEMORY_BYTES, !encoded ? maxEntryBytes : 0);
        Leg leg = new Leg(exchange, provider, response, flight, trace, start, answer, capture);
        boolean handedOver = false;
        try {
            int status = answer.status();
            boolean storable = StorageVerdict.storableStatus(status) && !encoded;
            if (flight != null) {
                flight.answering(storable);
            }
            StreamFraming framing = framing(headers);
            boolean eventStream = framing != null;
            leg.live = flight != null && eventStream && storable
                    ? flight.startLive(status, HeaderPolicy.stored(headers), capture) : null;
            trace.answered(label, status, false);
            ResponseHead.write(response, status, headers, label, 0,
                    eventStream ? ResponseHead.UNKNOWN_LENGTH : contentLength(headers));
            leg.noted = eventStream
                    ? new StreamEvents(framing, provider.streamDialect(), EntryRecorder.COUNTED_BYTES) : null;
            PushBody push = eventStream && async != null ? answer.pushBody() : null;
            try {
                if (push != null) {
                    CompletableFuture<Relayed> later = new LiveLeg(leg, push, framing, async).start();
                    handedOver = later != null;
                    if (later != null) {
                        return later;
                    }
                }
                leg.relay = new Relay(response.getOutputStream(), capture, leg.tap(), leg.noted);
                leg.relay.run(answer.body(), framing);
            } catch (IOException e) {
                throw leg.brokeOff(e);
            }
            return CompletableFuture.completedFuture(leg.landed());
        } catch (IOException | RuntimeException e) {
            capture.close();
            throw e;
        } finally {
            if (!handedOver) {
                answer.close();
            }
        }
    }

    /** One answer on its way from the provider to the client: what its end, clean or not, needs to know. */
    final class Leg {
        final Exchange exchange;
        final ModelProvider provider;
        final HttpServletResponse response;
        final Flight flight;
        final ExchangeTrace trace;
        final long start;
        final long headersMillis;
        final UpstreamResponse answer;
        final Capture capture;
        LiveStream live;
        StreamEvents noted;
        Relay relay;

        Leg(Exchange exchange, ModelProvider provider, HttpServletResponse response, Flight flight, ExchangeTrace trace,
            long start, UpstreamResponse answer, Capture capture) {
            this.exchange = exchange;
            this.provider = provider;
            this.response = response;
            this.flight = flight;
            this.trace = trace;
            this.start = start;
            this.headersMillis = millisSince(start);
            this.answer = answer;
            this.capture = capture;
        }

        LongConsumer tap() {
            return live == null ? end -> { } : live::published;
        }

        /**
         * The provider broke the answer off: followers share the failure; what is thrown is the proxy's 502 or 504
         * when the client has had nothing yet, else {@code e}, to break its connection off.
         */
        IOException brokeOff(IOException e) {
            trace.upstream(millisSince(start));
            events.upstreamCall(new UpstreamCall(provider.name(), Result.BROKE_OFF, answer.status(), headersMillis,
                    millisSince(start)));
            LOG.log(Level.WARNING, "provider '" + provider.name() + "' broke off an answer to " + exchange.method()
                    + " " + exchange.path() + "; nothing stored: " + Redacted.text(e.toString()));
            ProxyError failure = UpstreamFailure.of(e, provider.name(), provider.baseUrl());
            if (flight != null) {
                flight.fail(failure); // those waiting share the failed call rather than each make their own
            }
            if (response.isCommitted()) {
                return e; // headers are out: closing the connection is the only way left to tell the client
            }
            response.reset();
            throw failure;
        }

        /** The provider's answer is whole and relayed: followers may stop following, and the client's response ends. */
        void ended() {
            if (live != null) {
                live.end(true);
            }
            if (flight != null) {
                flight.landed();
            }
            // The client has everything: end its response now, so token counting and storing cost it no time.
            relay.finish();
        }

        /** The client has had the last byte (or is gone): the answer, for the pipeline to judge. */
        Relayed delivered() {
            trace.delivered();
            trace.upstream(millisSince(start));
            int status = answer.status();
            boolean eventStream = noted != null;
            long firstEvent = eventStream && !relay.chunks().isEmpty() ? headersMillis + relay.chunks().get(0).atMillis() : -1;
            events.upstreamCall(new UpstreamCall(provider.name(), Result.COMPLETE, status, headersMillis, firstEvent,
                    millisSince(start)));
            return new Relayed(status, answer.headers(), eventStream, answer.framed(), capture, relay.chunks(), noted);
        }

        Relayed landed() {
            ended();
            return delivered();
        }
    }
    /**
     * The client's fields that go upstream by the {@link HeaderPolicy#fromClient header policy}, plus the provider's
     * configured key when the caller sent no credential, and the fields its API requires that the caller left out.
     */
    static Headers upstreamHeaders(Exchange exchange, ModelProvider provider) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(HeaderPolicy.fromClient(exchange.headers()).fields());
        if (provider.credential(exchange).isEmpty()) {
            fields.addAll(provider.defaultAuthentication());
        }
        fields.addAll(provider.requiredHeaders(exchange.headers()));
        return Headers.of(fields);
    }

    /** True when the answer still carries a content coding: one the upstream layer could not undo. */
    static boolean stillEncoded(Headers headers) {
        return headers.first("Content-Encoding").isPresent();
    }

    /** How a streamed answer is cut into events (server-sent events, NDJSON lines), or null for any other body. */
    static StreamFraming framing(Headers headers) {
        return StreamFraming.of(headers.first("Content-Type").orElse(null));
    }

    private static long contentLength(Headers headers) {
        try {
            return Long.parseLong(headers.first("Content-Length").orElse("-1").trim());
        } catch (NumberFormatException e) {
            return ResponseHead.UNKNOWN_LENGTH;
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
