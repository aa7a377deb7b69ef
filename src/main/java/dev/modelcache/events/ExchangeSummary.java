package dev.modelcache.events;

import dev.modelcache.http.CacheStatus;
import dev.modelcache.tokens.Usage;
import java.math.BigDecimal;

/**
 * One proxied exchange, as it ended. {@code cacheStatus} is null when the request was refused before the cache
 * was consulted (a bad request, an unknown model). {@code coalesced}: the answer came from an identical request whose
 * call to the provider was still under way when this one came (they overlapped in flight); a request that came after
 * that answer had landed, while it was being stored, is a plain hit. {@code usage}: the tokens of the answer (saved
 * on a hit, spent otherwise), {@link Usage#NONE} when not known. {@code httpStatus} is what the client got (the proxy's own error status included). {@code caller}: who
 * asked, as a name safe to show (the caller's cache partition, or a proxy key's name), never a credential; null when
 * the request was refused before its caller was known. {@code namespace}: the request's {@code X-Cache-Namespace}
 * ("" for none, null when refused before the cache was asked). {@code upstreamMillis}: how long this exchange's own
 * call to the provider took, until its answer ended or failed; -1 when it made none (a hit, a coalesced follower, a
 * request refused). {@code requestBody}: the bytes the client sent, for a listener told explicitly to log bodies;
 * never to be logged, kept or shown otherwise.
 * <p>
 * {@code usd} and {@code priced}: the exchange's price, set once by the pipeline when it ends
 * ({@code billing.ExchangePricing}) so that the ledger, the stats and the metrics count the same dollars and never
 * price it again: what the answer's tokens cost at the model's price ({@link #spending()} says whether that was spent
 * or saved), 0 when the exchange counts for nothing; {@code priced} is false when the model has no price (then
 * {@code usd} is 0, and the tokens are counted as unpriced, not as free). A summary not yet priced has 0 and false.
 */
public record ExchangeSummary(String method, String path, String provider, String model, CacheStatus cacheStatus,
                              boolean coalesced, int httpStatus, Usage usage, String keyId, String caller,
                              long totalMillis, String namespace, long upstreamMillis, byte[] requestBody,
                              BigDecimal usd, boolean priced) {
    public ExchangeSummary {
        usage = usage == null ? Usage.NONE : usage;
        usd = usd == null ? BigDecimal.ZERO : usd;
    }

    /** What an exchange's tokens count as. */
    public enum Spending {
        /** Answered from the cache: what the call would have cost was saved. */
        SAVED,
        /** Answered by a provider through this exchange's own call: spent. */
        SPENT,
        /** Neither: refused before the cache was asked, or sharing an identical request's error (counted once, there). */
        NONE
    }

    /** Whether this exchange's tokens were saved, spent or count for nothing (see {@link Spending}). */
    public Spending spending() {
        if (cacheStatus == null || cacheStatus != CacheStatus.HIT && coalesced) {
            return Spending.NONE;
        }
        return cacheStatus == CacheStatus.HIT ? Spending.SAVED : Spending.SPENT;
    }

    /** A summary not yet priced. */
    public ExchangeSummary(String method, String path, String provider, String model, CacheStatus cacheStatus,
                           boolean coalesced, int httpStatus, Usage usage, String keyId, String caller,
                           long totalMillis, String namespace, long upstreamMillis, byte[] requestBody) {
        this(method, path, provider, model, cacheStatus, coalesced, httpStatus, usage, keyId, caller, totalMillis,
                namespace, upstreamMillis, requestBody, BigDecimal.ZERO, false);
    }

    /** A summary without namespace, upstream call or body, not yet priced (for tests and listeners' units). */
    public ExchangeSummary(String method, String path, String provider, String model, CacheStatus cacheStatus,
                           boolean coalesced, int httpStatus, Usage usage, String keyId, String caller, long totalMillis) {
        this(method, path, provider, model, cacheStatus, coalesced, httpStatus, usage, keyId, caller, totalMillis,
                null, -1, null);
    }

    /** The same exchange at its price: {@code usd} spent or saved, {@code priced} false for a model without a price. */
    public ExchangeSummary withPrice(BigDecimal dollars, boolean hasPrice) {
        return new ExchangeSummary(method, path, provider, model, cacheStatus, coalesced, httpStatus, usage, keyId,
                caller, totalMillis, namespace, upstreamMillis, requestBody, dollars, hasPrice);
    }

    /** True when this exchange's tokens count (spent or saved) but its model has no price: counted at 0 USD. */
    public boolean unpriced() {
        return !priced && spending() != Spending.NONE;
    }
}
