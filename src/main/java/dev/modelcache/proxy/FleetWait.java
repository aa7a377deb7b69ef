package dev.modelcache.proxy;

import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.flight.FleetLeases;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One upstream call per key across the fleet (issue 20, item 2), for a local leader about to call the provider: it
 * claims the key's lease ({@link FleetLeases}) and calls, releasing the lease once its answer is stored or will not
 * be; or, when another instance holds the lease, it waits for that instance's stored answer, looking in the store
 * after a short backoff (20 ms doubling to 200 ms), and replays it as a hit. The wait is the local followers' bound
 * ({@code coalesceWait}); it ends early, and this instance calls itself, when the cluster cannot be reached, or the
 * holder let the lease go without storing (an error, a non-2xx, no-store) or died: then this instance takes the
 * lease. A stored stream is replayed; a live one is not followed across instances. Without a cluster, for a request
 * that may not read the store (a refresh), and for one that is not coalesced (a sequence, {@code X-Cache-Coalesce:
 * off}), it just calls.
 */
final class FleetWait {
    /** The call a leader makes: the provider's answer relayed, kept, and its entry for local followers. */
    interface Miss {
        CompletableFuture<CachedResponse> call() throws IOException;
    }

    private final FleetLeases leases;
    private final StoredAnswers answers;
    private final Replies replies;
    private final Duration wait;

    /** {@code leases}: null without a cluster. */
    FleetWait(FleetLeases leases, StoredAnswers answers, Replies replies, Duration wait) {
        this.leases = leases;
        this.answers = answers;
        this.replies = replies;
        this.wait = wait;
    }

    /** Calls (holding the lease when it can), or replays the answer another instance stored meanwhile. */
    CompletableFuture<CachedResponse> miss(StoredAnswers.Plan plan, Replies.Client client, Miss miss)
            throws IOException {
        Decision decision = plan.decision();
        if (leases == null || !decision.coalesce() || !decision.read()) {
            return miss.call();
        }
        String key = plan.key().hex();
        long deadline = System.nanoTime() + wait.toNanos();
        for (int attempt = 0; ; attempt++) {
            FleetLeases.Claim claim = leases.claim(key);
            if (claim.kind() == FleetLeases.Kind.HELD) {
                return holding(claim.lease(), miss);
            }
            if (claim.kind() == FleetLeases.Kind.UNSHARED || System.nanoTime() - deadline >= 0) {
                return miss.call();
            }
            pause(FleetLeases.backoff(attempt));
            Optional<CachedResponse> stored = answers.find(plan);
            if (stored.isPresent() && replies.replay(client, stored.get(), true)) {
                return CompletableFuture.completedFuture(stored.get());
            }
        }
    }

    private CompletableFuture<CachedResponse> holding(FleetLeases.Held lease, Miss miss) throws IOException {
        CompletableFuture<CachedResponse> answer;
        try {
            answer = miss.call();
        } catch (IOException | RuntimeException e) {
            leases.release(lease);
            throw e;
        }
        // The answer completes once it is kept (stored, or not to be): only then may a waiter take the lease.
        return answer.whenComplete((entry, e) -> leases.release(lease));
    }

    private static void pause(Duration backoff) throws InterruptedIOException {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for another instance's answer");
        }
    }
}
