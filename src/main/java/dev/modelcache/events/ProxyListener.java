package dev.modelcache.events;

/**
 * Bookkeeping as events, after OkHttp's {@code EventListener}: the proxy tells what happened and listeners count,
 * measure or log it. The stats are one listener; metrics, a cost ledger and an access log are others. Methods are
 * called on request threads, must be quick and must not throw (a listener that throws is logged and skipped by
 * {@link Listeners}).
 */
public interface ProxyListener {
    /** A proxied exchange began; {@link #exchangeEnded} follows exactly once. */
    default void exchangeStarted(String method, String path) {
    }

    /** A call to a provider ended: answered (with its status), failed before answering, or broke off mid-answer. */
    default void upstreamCall(UpstreamCall call) {
    }

    /** An answer was written to the cache. */
    default void stored(Stored entry) {
    }

    /** A flight began: an upstream call that identical requests may wait on. */
    default void flightStarted() {
    }

    /** That flight ended. */
    default void flightEnded() {
    }

    /** Exactly once per proxied exchange, after its response has ended (or failed), with its cache status. */
    default void exchangeEnded(ExchangeSummary exchange) {
    }
}
