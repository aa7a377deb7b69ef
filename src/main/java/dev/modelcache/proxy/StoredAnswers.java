package dev.modelcache.proxy;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.http.Exchange;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.replay.Sequences;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Which stored answer a request may have: its {@link Plan} (provider, policy decision, record and key, its place
 * in a {@link Sequences sequence} included), and the look-up, which takes an entry only when it is fresh enough
 * for the request's {@code max-age} and, for a sequence past its last recorded answer when the provider may not be
 * called, falls back to that last answer ({@code cache/sequenceEnd = repeat}). Every entry the pipeline finds counts
 * as used in the replay report.
 *
 * <p>The pipeline and {@code POST /_cache/explain} both plan here, so that an explanation names the key the proxy
 * would use (the proxy-key caller's partition, the sequence step) and says "hit" only when the proxy would
 * answer from the cache. An explanation only peeks: it neither advances a sequence nor marks an entry used.</p>
 *
 * <p>The pure part of a plan (provider, model, record, key) is remembered by the request's exact bytes
 * ({@link PlanMemo}), so a repeated request, which every hit is, parses no JSON and hashes no key; the decision and a
 * sequence's step are worked out for every request.</p>
 */
public final class StoredAnswers {
    /** What the pipeline does with one request: its provider, the policy's decision, its record, and its key. */
    public record Plan(ModelProvider provider, Decision decision, RequestRecord request, CacheKey key) {
    }

    private final ProviderTable providers;
    private final CachePolicy policy;
    private final CacheKeyFactory keys;
    private final ResponseStore store;
    private final Sequences sequences;
    private final Misses misses;
    private final boolean repeatLast;
    private final Clock clock;
    private final PlanMemo memo = new PlanMemo();

    /** On the system clock. */
    public StoredAnswers(ProviderTable providers, CachePolicy policy, CacheKeyFactory keys, ResponseStore store,
                  Sequences sequences, Misses misses, boolean repeatLast) {
        this(providers, policy, keys, store, sequences, misses, repeatLast, Clock.systemUTC());
    }

    /**
     * {@code clock}: the store's, on which an entry's age is counted for {@code max-age}; the pipeline stamps new
     * entries from it too ({@link #clock()}), so that store times and ages are read from one clock.
     */
    public StoredAnswers(ProviderTable providers, CachePolicy policy, CacheKeyFactory keys, ResponseStore store,
                  Sequences sequences, Misses misses, boolean repeatLast, Clock clock) {
        this.clock = clock;
        this.providers = providers;
        this.policy = policy;
        this.keys = keys;
        this.store = store;
        this.sequences = sequences;
        this.misses = misses;
        this.repeatLast = repeatLast;
    }

    /**
     * The plan of a request the proxy answers: a sequence's count moves on. {@code routed} learns the provider and
     * the model before the policy decides (which may refuse the request).
     */
    Plan plan(Exchange exchange, BiConsumer<ModelProvider, String> routed) {
        return plan(exchange, routed, true);
    }

    /**
     * The plan the proxy would make for {@code exchange} now, without moving a sequence's count, and whether it would
     * hit: what {@code /_cache/explain} shows ({@link ExplainPlanner}).
     */
    public ExplainPlanner.Planned explain(Exchange exchange) {
        Plan plan = plan(exchange, (provider, model) -> { }, false);
        return new ExplainPlanner.Planned(plan.provider().name(), !plan.decision().bypass(), plan.request(), plan.key(),
                wouldHit(plan));
    }

    private Plan plan(Exchange exchange, BiConsumer<ModelProvider, String> routed, boolean take) {
        PlanMemo.Request bytes = PlanMemo.of(exchange);
        PlanMemo.Plan known = bytes == null ? null : memo.find(bytes);
        if (known == null) {
            ModelProvider provider = providers.resolve(exchange);
            String model = provider.model(exchange);
            routed.accept(provider, model);
            Decision decision = policy.decide(exchange, provider);
            RequestRecord request = RequestRecord.of(provider, exchange, keys, decision.namespace());
            byte[] canonical = request.bodyType().equals(RequestRecord.JSON_BODY) ? keys.canonicalBody(request) : null;
            known = new PlanMemo.Plan(provider, model, CachePolicy.deterministic(exchange),
                    provider.isStateful(exchange.path()), request, keys.create(request, canonical), canonical);
            if (bytes != null) {
                memo.remember(bytes, known);
            }
            return sequenced(known, decision, take);
        }
        routed.accept(known.provider, known.model);
        boolean deterministic = known.deterministic;
        // The namespace is read from the headers, which the memo compared: it is the remembered record's.
        return sequenced(known, policy.decide(exchange, known.stateful, () -> deterministic), take);
    }

    /** The plan of a request whose pure part is {@code known}: a sequence's step (moved on when {@code take}) keyed. */
    private Plan sequenced(PlanMemo.Plan known, Decision decision, boolean take) {
        RequestRecord request = known.request;
        CacheKey key = known.key;
        if (decision.sequence()) {
            int step = take ? sequences.next(decision.namespace(), key) : sequences.peek(decision.namespace(), key);
            if (step > 1) {
                request = request.inSequence(step);
                key = keys.create(request, known.canonical);
            }
        }
        return new Plan(known.provider, decision, request, key);
    }

    /** The stored answer the pipeline takes for {@code plan}, counted as used. */
    Optional<CachedResponse> find(Plan plan) {
        return lookUp(plan, true);
    }

    /**
     * Keeps {@code entry}, scrubbed by {@code cache/redact}, as the answer to {@code plan}'s request; false when the
     * store could not write it, or it could not be scrubbed.
     */
    public boolean keep(Plan plan, CachedResponse entry) {
        Optional<CachedResponse> scrubbed = keys.redaction().answer(entry);
        return scrubbed.isPresent() && store.put(plan.key(), plan.request(), scrubbed.get());
    }

    /** What happens on a miss besides the call: explained, reported, refused or let through a budget. */
    public Misses misses() {
        return misses;
    }

    /** Whether the proxy would answer {@code plan} from the store now (not counting an answer on its way). */
    boolean wouldHit(Plan plan) {
        return plan.decision().read() && lookUp(plan, false).isPresent();
    }

    /** The clock entries are stamped and aged on. */
    Clock clock() {
        return clock;
    }

    private Optional<CachedResponse> lookUp(Plan plan, boolean use) {
        long now = clock.millis();
        Decision decision = plan.decision();
        CacheKey key = plan.key();
        Optional<CachedResponse> hit = store.get(key).filter(entry -> decision.fresh(entry.storedAtMillis(), now));
        boolean fallBack = repeatLast && !decision.upstream();
        byte[] canonical = null;
        for (int n = plan.request().sequence() - 1; hit.isEmpty() && fallBack && n >= 1; n--) {
            if (canonical == null && plan.request().bodyType().equals(RequestRecord.JSON_BODY)) {
                canonical = keys.canonicalBody(plan.request());
            }
            key = keys.create(plan.request().inSequence(n), canonical);
            hit = store.get(key);
        }
        if (hit.isPresent() && use) {
            misses.used(key);
        }
        return hit;
    }
}
