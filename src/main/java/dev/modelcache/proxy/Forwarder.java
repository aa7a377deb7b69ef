package dev.modelcache.proxy;

import dev.modelcache.stream.Chunk;
import dev.modelcache.cache.StorageVerdict;
import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.events.UpstreamCall.Result;
import dev.modelcache.flight.Flight;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import jakarta.servlet.AsyncContext;
import dev.modelcache.stream.PushBody;

/**
 * Sends one request to its provider and relays the answer to the client as it arrives, keeping a copy at the same
 * time (after Jetty's proxy servlets: one hook builds the upstream header fields, one place writes the client's
 * head). It decides nothing about the cache: it hands back the {@link Relayed} answer for the pipeline to judge.
 */
public final class Forwarder {
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
     * The same; with {@code async} (how to take the request off its thread; null: never), the request goes
     * asynchronous before the provider is called, so no thread waits while the provider thinks: its head is taken on
     * a container thread ({@link AsyncContext#start}), an event stream is then relayed without a thread
     * ({@link LiveLeg}), and any other answer is relayed on that container thread as before. The future then fails
     * with the {@link ProxyError} to answer (the same 502 or 504 as before), or with the {@link IOException} that must
     * break the client's connection off. Without {@code async} it is complete (or thrown) on return, as before.
     */
    CompletableFuture<Relayed> forward(Exchange exchange, ModelProvider provider, HttpServletResponse response,
                                       CacheStatus label, Flight flight, ExchangeTrace trace,
                                       Supplier<AsyncContext> async) throws IOException {
        long start = System.nanoTime();
        if (async == null) {
            UpstreamResponse answer;
            try {
                answer = upstream.send(exchange.method(), provider.target(exchange.path(), exchange.query()),
                        upstreamHeaders(exchange, provider), exchange.body());
            } catch (IOException e) {
                throw unanswered(e, provider, trace, start);
            }
            return relay(exchange, provider, response, label, flight, trace, start, answer, null);
        }
        LiveLeg.Detached detached = LiveLeg.detach(async);
        CompletableFuture<Relayed> result = new CompletableFuture<>();
        CompletableFuture<UpstreamResponse> head;
        try {
            head = upstream.sendLater(exchange.method(), provider.target(exchange.path(), exchange.query()),
                    upstreamHeaders(exchange, provider), exchange.body());
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e instanceof IOException io ? unanswered(io, provider, trace, start) : e);
            return result;
        }
        // The head arrives on the provider client's I/O thread: the rest runs on a container thread.
        head.whenComplete((answer, e) -> detached.later(() -> {
            try {
                if (e != null) {
                    throw unanswered(e instanceof IOException io ? io : new IOException(e), provider, trace, start);
                }
                if (detached.ended()) {
                    answer.close(); // the container gave the request up while the provider thought: nobody to answer
                    throw new IOException("the client went away before its provider answered");
                }
                relay(exchange, provider, response, label, flight, trace, start, answer, detached)
                        .whenComplete((relayed, failure) -> {
                            if (failure == null) {
                                result.complete(relayed);
                            } else {
                                result.completeExceptionally(Pending.cause(failure));
                            }
                        });
            } catch (IOException | RuntimeException failure) {
                result.completeExceptionally(failure);
            }
        }));
        return result;
    }

    /** No answer came: the proxy's 502 or 504 for the client and its followers, with the call noted. */
    private ProxyError unanswered(IOException e, ModelProvider provider, ExchangeTrace trace, long start) {
        boolean timeout = UpstreamFailure.isTimeout(e);
        long took = millisSince(start);
        trace.upstream(took);
        events.upstreamCall(new UpstreamCall(provider.name(), timeout ? Result.TIMEOUT : Result.UNREACHABLE, 0, took, took));
        return UpstreamFailure.of(e, provider.name(), provider.baseUrl());
    }

    /**
     * Relays the answer whose head is in: an event stream without a thread when the request is asynchronous
     * ({@code detached} not null), anything else on this thread.
     */
    private CompletableFuture<Relayed> relay(Exchange exchange, ModelProvider provider, HttpServletResponse response,
                                             CacheStatus label, Flight flight, ExchangeTrace trace, long start,
                                             UpstreamResponse answer, LiveLeg.Detached detached) throws IOException {
        Headers headers = answer.headers();
        // A content coding the upstream layer could not undo: relayed as it came, never kept nor shared.
        boolean encoded = stillEncoded(headers);
        Capture capture = new Capture(spillDir, CAPTURE_MEMORY_BYTES, !encoded ? maxEntryBytes : 0);
        Leg leg = new Leg(events, exchange, provider, response, flight, trace, start, answer, capture);
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
            PushBody push = eventStream && detached != null ? answer.pushBody() : null;
            if (push != null) {
                CompletableFuture<Relayed> later = new LiveLeg(leg, push, framing, detached).start();
                handedOver = true;
                return later;
            }
            try {
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

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
