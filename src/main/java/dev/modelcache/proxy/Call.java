package dev.modelcache.proxy;

import dev.modelcache.cache.CachedResponse;
import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.flight.Flight;
import dev.modelcache.http.Exchange;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** One exchange on its way through {@link CachingProxy}'s pipeline: its request, plan, client and store step. */
record Call(Exchange exchange, StoredAnswers.Plan plan, HttpServletResponse response, ExchangeTrace trace,
            Supplier<AsyncContext> async, Storing.Handoff handoff) {
    Replies.Client client() {
        return new Replies.Client(exchange, response, trace, plan.decision().paced(), async);
    }

    /** Calls the provider, relays and keeps its answer ({@link Keeper#miss}): the entry for followers, or null. */
    CompletableFuture<CachedResponse> miss(Keeper keeper, Flight flight) throws IOException {
        return keeper.miss(exchange, plan, response, trace, flight, async, handoff);
    }
}
