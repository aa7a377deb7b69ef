package dev.modelcache;

import dev.modelcache.EntryRecorder.Recorded;
import dev.modelcache.Forwarder.Relayed;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.ResponseStore;
import dev.modelcache.cache.StorageVerdict;
import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.events.Listeners;
import dev.modelcache.events.Stored;
import dev.modelcache.flight.Flight;
import dev.modelcache.flight.FlightRegistry;
import dev.modelcache.flight.LiveStream;
import dev.modelcache.flight.Outcome;
import dev.modelcache.flight.Ticket;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.ProxyError;
import dev.modelcache.http.ResponseHead;
import dev.modelcache.replay.Misses;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.stream.Replayer;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The proxy's pipeline, and only the pipeline (after httpclient5-cache's {@code CachingExec}): resolve the
 * provider, decide the policy, build the key ({@link StoredAnswers}, which also looks entries up); on a
 * hit replay the stored answer; on a miss say why ({@link Misses}), and either refuse (replay mode,
 * {@code only-if-cached}: 504) or make one upstream call per key at a time ({@link FlightRegistry}), which the
 * {@link Forwarder} relays while copying, the {@link EntryRecorder} turns into an entry and the
 * {@link StorageVerdict} lets into the store. Every exchange ends with one event for the {@link Listeners}.
 */
public final class CachingProxy {
    private final ProviderTable providers;
    private final CachePolicy policy;
    private final ResponseStore store;
    private final FlightRegistry flights = new FlightRegistry();
    private final Forwarder forwarder;
    private final EntryRecorder recorder = new EntryRecorder();
    private final Listeners events;
    private final Duration coalesceWait;
    private final Misses misses;
    private final StoredAnswers answers;

    CachingProxy(ProviderTable providers, CachePolicy policy, StoredAnswers answers, ResponseStore store,
                 Forwarder forwarder, Listeners events, Duration coalesceWait, Misses misses) {
        this.providers = providers;
        this.policy = policy;
        this.answers = answers;
        this.misses = misses;
        this.store = store;
        this.forwarder = forwarder;
        this.events = events;
        this.coalesceWait = coalesceWait;
    }

    /** One exchange on its way through the pipeline, with its request record and key ({@code id}). */
    private record Call(Exchange exchange, ModelProvider provider, Decision decision, StoredAnswers.Identity id,
                        HttpServletResponse response, ExchangeTrace trace) {
        CacheKey key() {
            return id.key();
        }
    }

    public void handle(Exchange exchange, HttpServletResponse response) throws IOException {
        ExchangeTrace trace = new ExchangeTrace(exchange.method(), exchange.path(), exchange.body());
        events.exchangeStarted(exchange.method(), exchange.path());
        try {
            proxy(exchange, response, trace);
        } catch (RuntimeException e) {
            trace.failed(e instanceof ProxyError error ? error.status() : 500);
            throw e;
        } finally {
            events.exchangeEnded(trace.summary());
        }
    }

    private void proxy(Exchange exchange, HttpServletResponse response, ExchangeTrace trace) throws IOException {
        ModelProvider provider = providers.resolve(exchange);
        trace.route(provider.name(), provider.model(exchange));
        Decision decision = policy.decide(exchange, provider);
        StoredAnswers.Identity id = answers.identify(provider, exchange, decision);
        CacheKey key = id.key();
        trace.identified(key.hex(), exchange.caller() != null ? exchange.caller() : id.request().partition(),
                decision.namespace());
        response.setHeader(Misses.KEY_HEADER, key.shortId());
        Call call = new Call(exchange, provider, decision, id, response, trace);
        if (decision.bypass()) {
            miss(call, null);
            return;
        }
        boolean read = decision.read();
        while (true) {
            Optional<CachedResponse> hit = read ? answers.find(call.id(), call.decision()) : Optional.empty();
            if (hit.isPresent()) {
                if (replay(call, hit.get(), false)) {
                    return;
                }
                read = false; // its body went away since the look-up: a miss
            }
            if (!decision.coalesce()) {
                miss(call, null);
                return;
            }
            Ticket ticket = flights.enter(key);
            if (ticket instanceof Ticket.Leader) {
                lead(call, ticket.flight());
                return;
            }
            if (follow(call, ticket.flight())) {
                return;
            }
            // The leader broke off: look again, and lead or wait again.
        }
    }

    private void lead(Call call, Flight flight) throws IOException {
        events.flightStarted();
        try {
            Optional<CachedResponse> stored = call.decision().read() ? answers.find(call.id(), call.decision()) : Optional.empty();
            if (stored.isPresent() && replay(call, stored.get(), false)) {
                // Stored by a leader that finished between our look-up and our claim.
                flight.complete(stored.get());
                return;
            }
            flight.complete(miss(call, flight));
        } catch (ProxyError e) {
            flight.fail(e);
            throw e;
        } finally {
            flight.close();
            events.flightEnded();
        }
    }

    /** Waits for the leader; false when it broke off and this request must look again. */
    private boolean follow(Call call, Flight flight) throws IOException {
        Outcome outcome = flight.await(coalesceWait);
        if (outcome instanceof Outcome.Answered answered) {
            return replay(call, answered.response(), true);
        } else if (outcome instanceof Outcome.Following following) {
            return followLive(call, flight, following.stream());
        } else if (outcome instanceof Outcome.Failed failed) {
            throw failed.error();
        } else if (outcome instanceof Outcome.TimedOut) {
            miss(call, null);
            return true;
        }
        return false;
    }

    /**
     * Calls the provider and relays its answer, storing it when the policy and the verdict allow. Returns the entry
     * for followers (any status), or null. A call {@link Misses} forbids (replay, a budget) is its error instead.
     */
    private CachedResponse miss(Call call, Flight flight) throws IOException {
        Exchange exchange = call.exchange();
        Decision decision = call.decision();
        misses.beforeCall(call.id().request(), call.key(), decision, call.trace().caller(), call.response()::setHeader);
        boolean keep = decision.write();
        try (Relayed answer = forwarder.forward(exchange, call.provider(), call.response(), decision.missStatus(),
                keep, flight, call.trace())) {
            if (!keep) {
                return null;
            }
            Recorded recorded = recorder.record(exchange, call.provider(), answer);
            call.trace().usage(recorded.usage());
            CachedResponse entry = decision.ttl() == null ? recorded.entry() : recorded.entry().withTtl(decision.ttl());
            if (recorded.verdict().store() && store.put(call.key(), call.id().request(), entry)) {
                events.stored(new Stored(call.key().hex(), call.provider().name(), call.provider().model(exchange), entry.bodyLength()));
            }
            return entry;
        }
    }

    /**
     * A stored answer, or an identical request's answer: a hit when it is a 2xx, else a shared miss. False when its
     * body can no longer be read (a record file removed since the look-up): nothing was sent, and it is a miss.
     */
    private boolean replay(Call call, CachedResponse entry, boolean coalesced) throws IOException {
        Body.Reader body;
        try {
            body = entry.bodySource().open();
        } catch (IOException e) {
            return false;
        }
        CacheStatus label = StorageVerdict.storableStatus(entry.status()) ? CacheStatus.HIT : CacheStatus.MISS;
        call.trace().answered(label, entry.status(), coalesced);
        call.trace().usage(entry.usage());
        ResponseHead.write(call.response(), entry.status(), entry.headers(), label, entry.storedAtMillis(),
                entry.isEventStream() ? ResponseHead.UNKNOWN_LENGTH : entry.bodyLength());
        Replayer.replay(entry, body, call.response().getOutputStream(), call.decision().paced() && entry.isEventStream());
        return true;
    }

    /**
     * Relays an identical request's event stream to this client as the leader receives it, event by event, read from
     * the leader's copy: a hit whose tokens are known once the leader has stored it. If the leader's stream breaks
     * off, so does this one. False when the leader finished before this request could join: look again.
     */
    private boolean followLive(Call call, Flight flight, LiveStream live) throws IOException {
        if (!live.join()) {
            return false;
        }
        try {
            call.trace().answered(CacheStatus.HIT, live.status(), true);
            ResponseHead.write(call.response(), live.status(), live.headers(), CacheStatus.HIT,
                    System.currentTimeMillis(), ResponseHead.UNKNOWN_LENGTH);
            live.relayTo(call.response().getOutputStream(), coalesceWait);
        } finally {
            live.leave();
        }
        if (flight.awaitEnd(Duration.ofSeconds(5)) instanceof Outcome.Answered done) {
            call.trace().usage(done.response().usage());
        }
        return true;
    }
}
