package dev.modelcache.proxy;

import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.events.ProxyListener;
import dev.modelcache.events.UpstreamCall;
import dev.modelcache.events.UpstreamCall.Result;
import dev.modelcache.flight.Flight;
import dev.modelcache.flight.LiveStream;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.ProxyError;
import dev.modelcache.http.Redacted;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.proxy.Forwarder.Relayed;
import dev.modelcache.stream.Capture;
import dev.modelcache.stream.Relay;
import dev.modelcache.stream.StreamEvents;
import dev.modelcache.upstream.UpstreamFailure;
import dev.modelcache.upstream.UpstreamResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.LongConsumer;

/**
 * One answer on its way from the provider to the client, relayed by the {@link Forwarder} (on a thread or by a
 * {@link LiveLeg}): what its end, clean or not, needs to know, and what each end means for the client, the followers
 * and the bookkeeping.
 */
final class Leg {
    private static final Logger LOG = System.getLogger(Forwarder.class.getName());

    private final ProxyListener events;
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

    Leg(ProxyListener events, Exchange exchange, ModelProvider provider, HttpServletResponse response, Flight flight,
        ExchangeTrace trace, long start, UpstreamResponse answer, Capture capture) {
        this.events = events;
        this.exchange = exchange;
        this.provider = provider;
        this.response = response;
        this.flight = flight;
        this.trace = trace;
        this.start = start;
        this.headersMillis = Forwarder.millisSince(start);
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
        trace.upstream(Forwarder.millisSince(start));
        events.upstreamCall(new UpstreamCall(provider.name(), Result.BROKE_OFF, answer.status(), headersMillis,
                Forwarder.millisSince(start)));
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
        trace.upstream(Forwarder.millisSince(start));
        int status = answer.status();
        boolean eventStream = noted != null;
        long firstEvent = eventStream && !relay.chunks().isEmpty() ? headersMillis + relay.chunks().get(0).atMillis() : -1;
        events.upstreamCall(new UpstreamCall(provider.name(), Result.COMPLETE, status, headersMillis, firstEvent,
                Forwarder.millisSince(start)));
        return new Relayed(status, answer.headers(), eventStream, answer.framed(), capture, relay.chunks(), noted);
    }

    Relayed landed() {
        ended();
        return delivered();
    }
}
