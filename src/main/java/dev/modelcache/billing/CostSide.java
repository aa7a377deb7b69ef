package dev.modelcache.billing;

import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import java.util.Optional;

/**
 * Which side of the books an exchange's tokens go to: {@link #SAVED} for a hit (what it would have cost), else
 * {@link #SPENT}. An exchange refused before the cache was asked counts on neither, and so does one that shared an
 * identical request's call and got no hit (a non-2xx answer): the call was counted once, for the request that made it.
 * The {@link CostLedger} and the metrics both decide with it, so their sums agree.
 */
public enum CostSide {
    SPENT, SAVED;

    /** The side {@code exchange} counts on, or empty when it counts on none. */
    public static Optional<CostSide> of(ExchangeSummary exchange) {
        CacheStatus status = exchange.cacheStatus();
        if (status == null || status != CacheStatus.HIT && exchange.coalesced()) {
            return Optional.empty();
        }
        return Optional.of(status == CacheStatus.HIT ? SAVED : SPENT);
    }
}
