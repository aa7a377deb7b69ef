package dev.modelcache.proxy;

import dev.modelcache.proxy.Forwarder.Relayed;
import dev.modelcache.billing.BudgetGuard;
import dev.modelcache.billing.ExchangePricing;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.StorageVerdict;
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
public final class CachingProxy {
    private final FlightRegistry flights = new FlightRegistry();
    private final Forwarder forwarder;
    private final Keeper keeper;
    private final Listeners events;
    private final Duration coalesceWait;
    private final StoredAnswers answers;
    private final Replies replies;
    private final ExchangePricing pricing;
    private final FleetWait fleet; // one call per key across the fleet, with a cluster (leases non-null)

    public CachingProxy(StoredAnswers answers, Forwarder forwarder, Listeners events, Duration coalesceWait,
                        ExchangePricing pricing, FleetLeases leases) {
        this.pricing = pricing;
        this.answers = answers;
        this.forwarder = forwarder;
        this.events = events;
        this.coalesceWait = coalesceWait;
        this.keeper = new Keeper(new EntryRecorder(answers.clock()), answers, events);
        this.replies = new Replies(coalesceWait, answers.clock());
        this.fleet = new FleetWait(leases, answers, replies, coalesceWait);
    }

    /** One exchange on its way through the pipeline, with its request record and key ({@code id}). */
    private record Call(Exchange exchange, StoredAnswers.Plan plan, HttpServletResponse response, ExchangeTrace trace,
                        Supplier<AsyncContext> async) {
        CacheKey key() {
            return plan.key();
        }

        Decision decision() {
            return plan.decision();
        }

        Replies.Client client() {
            return new Replies.Client(exchange, response, trace, plan.decision().paced());
        }
    }

    public void handle(Exchange exchange, HttpServletResponse response) throws IOException {
        Pending.join(handle(exchange, response, null));
    }

    /**
     * Handles the exchange; with {@code async} (how to take the request off its thread), a live stream goes on without
     * this thread and the future completes after its last byte and its storing (failing as {@link Pending} says).
     * Without, the future is complete on return.
     */
    public CompletableFuture<Void> handle(Exchange exchange, HttpServletResponse response, Supplier<AsyncContext> async)
            throws IOException {
        ExchangeTrace trace = new ExchangeTrace(exchange.method(), exchange.path(), exchange.body());
        events.exchangeStarted(exchange.method(), exchange.path());
        try {
            return proxy(exchange, response, trace, async).whenComplete((nothing, e) -> ended(trace, e));
        } catch (IOException | RuntimeException e) {
            ended(trace, e);
            throw e;
        }
    }

    private void ended(ExchangeTrace trace, Throwable failure) {
        if (failure != null && Pending.cause(failure) instanceof RuntimeException e) {
            trace.failed(e instanceof ProxyError error ? error.status() : 500);
        }
        events.exchangeEnded(pricing.price(trace.summary()));
    }

    private CompletableFuture<Void> proxy(Exchange exchange, HttpServletResponse response, ExchangeTrace trace,
                                          Supplier<AsyncContext> async) throws IOException {
        StoredAnswers.Plan plan = answers.plan(exchange, (provider, model) -> trace.route(provider.name(), model));
        Decision decision = plan.decision();
        CacheKey key = plan.key();
        trace.identified(key.hex(), exchange.caller() != null ? exchange.caller() : plan.request().partition(),
                decision.namespace());
        response.setHeader(Misses.KEY_HEADER, key.shortId());
        Call call = new Call(exchange, plan, response, trace, async);
        if (decision.bypass()) {
            return miss(call, null).thenApply(entry -> null);
        }
        boolean read = decision.read();
        while (true) {
            if (read && read(call)) {
                return Pending.DONE;
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
     * False when there is nothing to answer with; a failure of the followed answer is this request's too if the store
     * has nothing either.
     */
    private boolean read(Call call) throws IOException {
        Flight answering = flights.answering(call.key());
        boolean overlapped = answering != null && answering.underway();
        Outcome outcome = answering == null ? null : answering.await(coalesceWait);
        if (outcome != null && replies.take(call.client(), answering, outcome, overlapped)) {
            return true;
        }
        Optional<CachedResponse> hit = answers.find(call.plan());
        if (hit.isPresent() && replies.replay(call.client(), hit.get(), false)) {
            return true;
        }
        if (outcome instanceof Outcome.Failed failed) {
            throw failed.error();
        }
        return false;
    }

    private CompletableFuture<Void> lead(Call call, Flight flight) throws IOException {
        events.flightStarted();
        CompletableFuture<CachedResponse> answer;
        try {
            Optional<CachedResponse> stored = call.decision().read() ? answers.find(call.plan()) : Optional.empty();
            // Stored by a leader that finished between our look-up and our claim.
            answer = stored.isPresent() && replies.replay(call.client(), stored.get(), false)
                    ? CompletableFuture.completedFuture(stored.get())
                    : fleet.miss(call.plan(), call.client(), () -> miss(call, flight));
        } catch (IOException | RuntimeException e) {
            landed(flight, null, e);
            throw e;
        }
        return answer.handle((entry, e) -> {
            landed(flight, entry, e == null ? null : Pending.cause(e));
            return Pending.rethrow(e);
        });
    }

    /** The leader's last word: its answer, or its failure, for those waiting; then the flight ends. */
    private void landed(Flight flight, CachedResponse entry, Throwable e) {
        try {
            if (e == null) {
                flight.complete(entry);
            } else if (e instanceof ProxyError error) {
                flight.fail(error);
            }
        } finally {
            flight.close();
            events.flightEnded();
        }
    }

    /** Waits for the leader and answers as it did; null when it gave up and this request must look again. */
    private CompletableFuture<Void> follow(Call call, Flight flight) throws IOException {
        boolean overlapped = flight.underway();
        Outcome outcome = flight.await(coalesceWait);
        if (outcome instanceof Outcome.Failed failed) {
            throw failed.error();
        } else if (outcome instanceof Outcome.TimedOut) {
            return lead(call, flights.alone(call.key()));
        }
        return replies.take(call.client(), flight, outcome, overlapped) ? Pending.DONE : null;
    }

    /**
     * Calls the provider and relays its answer, storing it when the policy and the verdict allow. Completes with the
     * entry for followers (any status), or null. A call {@link Misses} forbids (replay, a budget) is its error instead.
     */
    private CompletableFuture<CachedResponse> miss(Call call, Flight flight) throws IOException {
        BudgetGuard.Reservation spending = answers.misses().beforeCall(call.plan().request(), call.key(), call.decision(),
                call.trace().caller(), call.response()::setHeader);
        CompletableFuture<Relayed> relayed;
        try {
            relayed = forwarder.forward(call.exchange(), call.plan().provider(), call.response(), call.decision().missStatus(),
                    flight, call.trace(), call.async());
        } catch (IOException | RuntimeException e) {
            spending.close();
            throw e;
        }
        return relayed.handle((answer, e) -> {
            try (spending; answer) {
                return e == null ? keeper.keep(call.exchange(), call.plan(), call.trace(), flight, answer, spending)
                        : Pending.rethrow(e);
            }
        });
    }
}
