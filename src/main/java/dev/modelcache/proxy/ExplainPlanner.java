package dev.modelcache.proxy;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.Exchange;

/**
 * What {@code POST /_cache/explain} asks of the pipeline: the plan it would make for a request (provider, whether it
 * may be cached, its request record and key, whether it would hit), without calling anyone or moving a sequence on.
 * The composition root answers it with the pipeline's own planner, so the admin endpoints never import the pipeline
 * (which would close a package cycle) and explain can never compute a key of its own.
 */
@FunctionalInterface
public interface ExplainPlanner {
    /** The plan for an admitted request (its proxy key already checked, as the servlet does). */
    Planned plan(Exchange exchange);

    /** The parts of a plan the explain endpoint shows. */
    record Planned(String provider, boolean cacheable, RequestRecord request, CacheKey key, boolean hit) {
    }
}
