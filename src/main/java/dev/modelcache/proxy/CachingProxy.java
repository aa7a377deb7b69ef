package dev.modelcache.proxy;

import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.events.Listeners;
import dev.modelcache.flight.FleetLeases;
import dev.modelcache.flight.Flight;
import dev.modelcache.flight.FlightRegistry;
import dev.modelcache.flight.Outcome;
import dev.modelcache.flight.Ticket;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.ProxyError;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The proxy's pipeline, and only the pipeline (after httpclient5-cache's {@code CachingExec}): resolve the
 * provider, decide the policy, build the key ({@link StoredAnswers}, which also looks entries up); on a
 * hit replay the stored answer; on a miss say why ({@link Misses}), and either refuse (replay mode,
 * {@code only-if-cached}: 504) or make one upstream call per key at a time ({@link FlightRegistry}), which the
 * {@link Forwarder} relays while copying (a live stream without this thread: then the rest follows its last byte) and
 * the {@link Keeper} counts and stores, unless a call that started later stored first. A read follows an
 * identical request whose answer is on its way and not yet stored rather than read the entry it replaces; answers
 * this request did not fetch are written by {@link Replies}. Every exchange ends with one event for the
 * {@link Listeners}, priced here once ({@link ExchangePricing}) so that no listener prices it again.
 */
public final class CachingProxy implements AutoCloseable {
    private final FlightRegistry flights = new FlightRegistry();
    private final Keeper keeper;
    private final Listeners events;
    private final Duration coalesceWait;
    private final StoredAnswers answers;
    private final Replies replies;
    private final ExchangePricing pricing;
    private final FleetWait fleet; // one call per key across the fleet, with a cluster (leases non-null)

    public CachingProxy(StoredAnswers answers, Forwarder forwarder, Listeners events, Duration coalesceWait,
                        ExchangePricing pricing) {
        this(answers, forwarder, events, coalesceWait, pricing, new InFlight(), null);
    }

    /**
     * {@code inFlight}: where a miss's store step, after its client has the answer, is counted for a stop;
     * {@code leases}: the cluster's, for one call per key across the fleet, or null.
     */
    public CachingProxy(StoredAnswers answers, Forwarder forwarder, Listeners events, Duration coalesceWait,
                        ExchangePricing pricing, InFlight inFlight, FleetLeases leases) {
        this.pricing = pricing;
        this.answers = answers;
        this.events = events;
        this.coalesceWait = coalesceWait;
        this.keeper = new Keeper(new EntryRecorder(answers.clock()), answers, forwarder, events, new Storing(inFlight));
        this.replies = new Replies(coalesceWait, answers.clock());
        this.fleet = new FleetWait(leases, answers, replies, coalesceWait);
    }

    public void handle(Exchange exchange, HttpServletResponse response) throws IOException {
        Pending.join(handle(exchange, response, null));
    }

    /**
     * Handles the exchange; with {@code async} (how to take the request off its thread), a live stream goes on without
     * this thread and the future completes after its last byte (failing as {@link Pending} says). Without, the future
     * is complete on return. Either way a miss's counting and storing go on after it, off this thread ({@link Keeper}).
     */
    public CompletableFuture<Void> handle(Exchange exchange, HttpServletResponse response, Supplier<AsyncContext> async)
            throws IOException {
        ExchangeTrace trace = new ExchangeTrace(exchange.method(), exchange.path(), exchange.body());
        events.exchangeStarted(exchange.method(), exchange.path());
        Storing.Handoff handoff = keeper.handoff();
        try {
            proxy(exchange, response, trace, async, handoff).whenComplete((nothing, e) -> {
                ended(trace, handoff, e);
                handoff.ended(e);
            });
            handoff.release();
            return handoff.delivered();
        } catch (IOException | RuntimeException e) {
            ended(trace, handoff, e);
            throw e;
        }
    }

    /** The exchange's one event: at its end, or for a leader just before its flight ends ({@link #landed}). */
    private void ended(ExchangeTrace trace, Storing.Handoff handoff, Throwable failure) {
        if (!handoff.endsNow()) {
            return;
        }
        if (failure != null && Pending.cause(failure) instanceof RuntimeException e) {
            trace.failed(e instanceof ProxyError error ? error.status() : 500);
        }
        events.exchangeEnded(pricing.price(trace.summary()));
    }

    private CompletableFuture<Void> proxy(Exchange exchange, HttpServletResponse response, ExchangeTrace trace,
                                          Supplier<AsyncContext> async, Storing.Handoff handoff) throws IOException {
        StoredAnswers.Plan plan = answers.plan(exchange, (provider, model) -> trace.route(provider.name(), model));
        Decision decision = plan.decision();
        CacheKey key = plan.key();
        trace.identified(key.hex(), exchange.caller() != null ? exchange.caller() : plan.request().partition(),
                decision.namespace());
        response.setHeader(Misses.KEY_HEADER, key.shortId());
        Call call = new Call(exchange, plan, response, trace, async, handoff);
        if (decision.bypass()) {
            return call.miss(keeper, null).thenApply(entry -> null);
        }
        boolean read = decision.read();
        while (true) {
            CompletableFuture<Void> answered = read ? read(call) : null;
            if (answered != null) {
                return answered;
            }
            read = false; // nothing to read, or its body went away since the look-up: a miss
            if (!decision.coalesce()) {
                return lead(call, flights.alone(key));
            }
            Ticket ticket = flights.enter(key, !decision.read());
            if (ticket instanceof Ticket.Leader) {
                return lead(call, ticket.flight());
            }
            CompletableFuture<Void> followed = follow(call, ticket.flight());
            if (followed != null) {
                return followed;
            }
            // The leader gave up for reasons of its own: look again, and lead or wait again.
            read = decision.read();
        }
    }

    /**
     * Answers from the cache: from the identical request whose answer is on its way to its client and about to be
     * stored, when there is one (so a request never reads the entry that answer replaces), else from the store.
     * Null when there is nothing to answer with; a failure of the followed answer is this request's too if the store
     * has nothing either.
     */
    private CompletableFuture<Void> read(Call call) throws IOException {
        Flight answering = flights.answering(call.plan().key());
        boolean overlapped = answering != null && answering.underway();
        // Come after it landed: wait for its store step and read the store. Paced: wait for the entry, not a live stream.
        Outcome outcome = answering == null ? null
                : answering.await(coalesceWait, overlapped && !call.plan().decision().paced());
        CompletableFuture<Void> taken = overlapped && outcome != null
                ? replies.take(call.client(), answering, outcome, true) : null;
        if (taken != null) {
            return taken;
        }
        Optional<CachedResponse> hit = answers.find(call.plan());
        if (hit.isPresent() && replies.replay(call.client(), hit.get(), false)) {
            return Pending.DONE;
        }
        if (outcome instanceof Outcome.Failed failed) {
            throw failed.error();
        }
        return null;
    }

    private CompletableFuture<Void> lead(Call call, Flight flight) throws IOException {
        events.flightStarted();
        CompletableFuture<CachedResponse> answer;
        try {
            Optional<CachedResponse> stored = call.plan().decision().read() ? answers.find(call.plan()) : Optional.empty();
            // Stored by a leader that finished between our look-up and our claim.
            answer = stored.isPresent() && replies.replay(call.client(), stored.get(), false)
                    ? CompletableFuture.completedFuture(stored.get())
                    : fleet.miss(call.plan(), call.client(), () -> call.miss(keeper, flight));
        } catch (IOException | RuntimeException e) {
            landed(call, flight, null, e);
            throw e;
        }
        return answer.handle((entry, e) -> {
            landed(call, flight, entry, e == null ? null : Pending.cause(e));
            return Pending.rethrow(e);
        });
    }

    /** The leader's last word for those waiting, after its exchange's event (no follower's precedes it). */
    private void landed(Call call, Flight flight, CachedResponse entry, Throwable e) {
        try {
            events.flightEnded();
            ended(call.trace(), call.handoff(), e);
            if (e == null) {
                flight.complete(entry);
            } else if (e instanceof ProxyError error) {
                flight.fail(error);
            }
        } finally {
            flight.close();
        }
    }

    /** Waits for the leader and answers as it did; null when it gave up and this request must look again. */
    private CompletableFuture<Void> follow(Call call, Flight flight) throws IOException {
        boolean overlapped = flight.underway();
        Outcome outcome = flight.await(coalesceWait, overlapped);
        if (outcome instanceof Outcome.Failed failed) {
            throw failed.error();
        } else if (outcome instanceof Outcome.TimedOut) {
            return lead(call, flights.alone(call.plan().key()));
        }
        // One that came after the answer landed reads the store, as once its step ended (a failed write: a miss).
        return overlapped ? replies.take(call.client(), flight, outcome, true) : null;
    }

    /** Stops the threads that store (after a stop drained the exchanges in flight). */
    @Override
    public void close() {
        keeper.close();
    }
}
