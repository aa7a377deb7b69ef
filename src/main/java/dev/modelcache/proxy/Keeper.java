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

/**
 * What happens to an answer once it is relayed whole (on the request's thread, or after a live stream's last byte):
 * its tokens are counted and settled against the budget whether or not it is kept (the provider was paid for what
 * was relayed), and it is stored when the policy and the {@link StorageVerdict} allow, unless a call of the same key
 * that started later stored first ({@link Flight#store}).
 */
final class Keeper {
    private final EntryRecorder recorder;
    private final StoredAnswers answers;
    private final Listeners events;

    Keeper(EntryRecorder recorder, StoredAnswers answers, Listeners events) {
        this.recorder = recorder;
        this.answers = answers;
        this.events = events;
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
        }
        // A spilled answer's body is the spill file, gone when the answer closes: followers find it in the store.
        return entry != null && entry.bodySource() instanceof Body.InFile ? null : entry;
    }
}
