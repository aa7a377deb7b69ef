package dev.modelcache.flight;

import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.ProxyError;

/** What a follower learns from the flight it waited on. */
public sealed interface Outcome {
    /** The leader's complete answer (any status): replay it. */
    record Answered(CachedResponse response) implements Outcome {
    }

    /**
     * The call failed (502, 504, or the proxy's refusal), before the answer's head or in the middle of its body: answer
     * the same error, never calling the provider again for it.
     */
    record Failed(ProxyError error) implements Outcome {
    }

    /** The leader is relaying an event stream that may be stored: follow it as it arrives. */
    record Following(LiveStream stream) implements Outcome {
    }

    /**
     * The leader gave up for reasons of its own (its client left before the provider was called), or its answer will
     * not be kept: look again, and lead or wait again.
     */
    record Broken() implements Outcome {
    }

    /** The leader is still busy after the wait limit: go alone rather than wait without end. */
    record TimedOut() implements Outcome {
    }

    Outcome BROKEN = new Broken();
    Outcome TIMED_OUT = new TimedOut();
}
