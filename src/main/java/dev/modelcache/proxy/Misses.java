package dev.modelcache.proxy;

import dev.modelcache.billing.BudgetGuard;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheMode;
import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.ProxyError;
import dev.modelcache.replay.Explanation;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.replay.ReplayReport;
import java.util.function.BiConsumer;

/**
 * What happens on a miss besides the call: the {@link MissExplainer} says why, the {@link ReplayReport} keeps it,
 * and the client reads it in {@value #REASON_HEADER}; a miss that may not reach the provider (replay mode,
 * {@code only-if-cached}) is the {@code 504 cache_miss} error with the key and the whole explanation. A call past a
 * daily budget ({@link BudgetGuard}) is the {@code 429 budget_exceeded}, or that 504 when the budget says replay.
 */
public final class Misses {
    /** Response header with the short explanation of a miss. */
    public static final String REASON_HEADER = Explanation.HEADER;
    /** Response header with the short id of the request's key. */
    public static final String KEY_HEADER = "X-Cache-Key";

    private final MissExplainer explainer;
    private final ReplayReport report;
    private final BudgetGuard budget;

    public Misses(MissExplainer explainer, ReplayReport report) {
        this(explainer, report, BudgetGuard.NONE);
    }

    public Misses(MissExplainer explainer, ReplayReport report, BudgetGuard budget) {
        this.explainer = explainer;
        this.report = report;
        this.budget = budget;
    }

    /**
     * Before a call to the provider: the 504 {@code cache_miss} when the decision allows none (replay mode,
     * {@code only-if-cached}); the budget's error when the call could pass a daily cap of {@code caller} or of all
     * callers; else, for a look-up that missed, its short reason, reported and given to {@code header} as
     * {@value #REASON_HEADER} (nothing when the cache was not read: bypass, refresh, record). Returns what the call
     * holds against the budget: the caller settles it with the answer's usage, or closes it to release it.
     */
    public BudgetGuard.Reservation beforeCall(RequestRecord request, CacheKey key, Decision decision, String caller,
                                              BiConsumer<String, String> header) {
        if (!decision.upstream()) {
            throw offline(request, key, decision.mode() == CacheMode.REPLAY ? "the cache is in replay mode"
                    : "the request said Cache-Control: only-if-cached");
        }
        BudgetGuard.Admission admission = budget.admit(caller, request.model(), request.path(),
                RequestRecord.JSON_BODY.equals(request.bodyType()) ? request.body() : null);
        if (admission instanceof BudgetGuard.Breach breach) {
            throw breach.replay() ? offline(request, key, breach.reason()) : breach.error();
        }
        BudgetGuard.Reservation reservation = (BudgetGuard.Reservation) admission;
        if (decision.read()) {
            try {
                header.accept(REASON_HEADER, explain(request, key));
            } catch (RuntimeException e) {
                reservation.close();
                throw e;
            }
        }
        return reservation;
    }

    /** Explains a miss that goes on to the provider, and reports it; returns the short reason for the header. */
    public String explain(RequestRecord request, CacheKey key) {
        Explanation explanation = explainer.explain(request, key);
        report.missed(request, key, explanation, false);
        return explanation.summary();
    }

    /** The error for a miss that may not reach the provider ({@code why}: replay mode or only-if-cached). */
    public ProxyError offline(RequestRecord request, CacheKey key, String why) {
        Explanation explanation = explainer.explain(request, key);
        report.missed(request, key, explanation, true);
        return new ProxyError(504, "cache_miss", "cache_miss", "No stored answer for this request, and " + why
                + " (key " + key.shortId() + "): " + explanation.summary())
                .withHeader(KEY_HEADER, key.shortId())
                .withHeader(REASON_HEADER, explanation.summary())
                .withHeader("X-Cache", "MISS")
                // The Stainless SDKs (OpenAI's, Anthropic's) retry a 504 unless told not to: asking again cannot hit.
                .withHeader("X-Should-Retry", "false")
                .withDetail("key", com.fasterxml.jackson.databind.node.TextNode.valueOf(key.shortId()))
                .withDetail("explanation", explanation.toJson());
    }

    /**
     * An answer was stored under {@code key} (its request body {@code requestBytes} long): the explainer reads its request now (off the request
     * threads) rather than at the next miss of its path.
     */
    public void stored(CacheKey key, long requestBytes) {
        explainer.stored(key, requestBytes);
    }

    /** An answer served from the cache: the report counts the entry as used. */
    public void used(CacheKey key) {
        report.used(key);
    }

    public ReplayReport report() {
        return report;
    }
}
