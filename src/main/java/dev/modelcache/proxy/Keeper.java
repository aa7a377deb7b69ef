package dev.modelcache.proxy;

import dev.modelcache.billing.BudgetGuard;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.StorageVerdict;
import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.events.Listeners;
import dev.modelcache.events.Stored;
import dev.modelcache.flight.Flight;
import dev.modelcache.http.Exchange;
import dev.modelcache.proxy.EntryRecorder.Recorded;
import dev.modelcache.proxy.Forwarder.Relayed;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What happens to an answer once it is relayed whole and its client has the last byte: its tokens are counted and
 * settled against the budget whether or not it is kept (the provider was paid for what was relayed), and it is stored
 * when the policy and the {@link StorageVerdict} allow, unless a call of the same key that started later stored first
 * ({@link Flight#store}). All of it runs as one step off the request's thread ({@link Storing}), so that neither the
 * counting nor the record's fsync keeps the client's connection from its next request; the counting goes with the
 * store because the exchange's event, which carries the counts, follows the step.
 */
final class Keeper implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Keeper.class.getName());
    private final EntryRecorder recorder;
    private final StoredAnswers answers;
    private final Listeners events;
    private final Forwarder forwarder;
    private final Storing storing;

    Keeper(EntryRecorder recorder, StoredAnswers answers, Forwarder forwarder, Listeners events, Storing storing) {
        this.recorder = recorder;
        this.answers = answers;
        this.forwarder = forwarder;
        this.events = events;
        this.storing = storing;
    }

    /** Where an exchange's store step waits for the pipeline to be wired, and what its client waits for. */
    Storing.Handoff handoff() {
        return storing.handoff();
    }

    /**
     * Calls the provider and relays its answer, then keeps it (below). Completes with the entry for followers (any
     * status), or null, once it is stored; a call {@link Misses} forbids (replay, a budget) is its error instead.
     */
    CompletableFuture<CachedResponse> miss(Exchange exchange, StoredAnswers.Plan plan, HttpServletResponse response,
                                           ExchangeTrace trace, Flight flight, Supplier<AsyncContext> async,
                                           Storing.Handoff handoff) throws IOException {
        BudgetGuard.Reservation spending = answers.misses().beforeCall(plan.request(), plan.key(), plan.decision(),
                trace.caller(), response::setHeader);
        CompletableFuture<Relayed> relayed;
        try {
            relayed = forwarder.forward(exchange, plan.provider(), response, plan.decision().missStatus(), flight, trace,
                    async);
        } catch (IOException | RuntimeException e) {
            spending.close();
            throw e;
        }
        return keepLater(handoff, exchange, plan, trace, flight, relayed, spending);
    }

    /**
     * Once {@code relayed} is complete, {@link #keep} as a step of its own through {@code handoff}: completes with the
     * entry for followers (after the store), or fails as the relay did. The step owns the answer (its copy and spill
     * file) and the reservation, and closes both when done.
     */
    private CompletableFuture<CachedResponse> keepLater(Storing.Handoff handoff, Exchange exchange, StoredAnswers.Plan plan,
                                                ExchangeTrace trace, Flight flight,
                                                CompletableFuture<Relayed> relayed, BudgetGuard.Reservation spending) {
        CompletableFuture<CachedResponse> kept = new CompletableFuture<>();
        relayed.whenComplete((answer, e) -> {
            if (e != null) {
                spending.close();
                kept.completeExceptionally(e);
                return;
            }
            if (flight != null && StorageVerdict.storableStatus(answer.status())
                    && !(plan.decision().write() && EntryRecorder.verdict(plan.provider(), answer).store())) {
                // A 2xx that will not be stored (a cut stream, say): reads stop following it now, not after the step.
                flight.answering(false);
            }
            handoff.hold(() -> {
                CachedResponse entry;
                try (spending; answer) {
                    entry = keep(exchange, plan, trace, flight, answer, spending);
                } catch (RuntimeException | Error failure) {
                    LOG.log(Level.WARNING, "counting or storing an answer failed after its client had it: " + failure);
                    kept.completeExceptionally(failure);
                    return;
                }
                kept.complete(entry); // the copy closed first: what follows (the exchange's event) finds it gone
            });
        });
        return kept;
    }

    @Override
    public void close() {
        storing.close();
    }

    /** The entry for followers (any status), or null: not to be written, not kept, or a spilled body. */
    CachedResponse keep(Exchange exchange, StoredAnswers.Plan plan, ExchangeTrace trace, Flight flight, Relayed answer,
                        BudgetGuard.Reservation spending) {
        Decision decision = plan.decision();
        Recorded recorded = recorder.record(exchange, plan.provider(), answer);
        trace.usage(recorded.usage());
        spending.settle(recorded.usage());
        if (!decision.write()) {
            return null;
        }
        CachedResponse entry = decision.ttl() == null || recorded.entry() == null ? recorded.entry()
                : recorded.entry().withTtl(decision.ttl());
        if (recorded.verdict().store() && flight.store(() -> answers.keep(plan, entry))) {
            events.stored(new Stored(plan.key().hex(), plan.provider().name(), plan.provider().model(exchange),
                    entry.bodyLength()));
            answers.misses().stored(plan.key(), exchange.body().length);
        }
        // A spilled answer's body is the spill file, gone when the answer closes: followers find it in the store.
        return entry != null && entry.bodySource() instanceof Body.InFile ? null : entry;
    }
}
