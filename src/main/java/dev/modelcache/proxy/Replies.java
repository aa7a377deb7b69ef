package dev.modelcache.proxy;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.StorageVerdict;
import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.flight.Flight;
import dev.modelcache.flight.LiveStream;
import dev.modelcache.flight.Outcome;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.ResponseHead;
import jakarta.servlet.http.HttpServletResponse;
import dev.modelcache.flight.LiveFollower;
import dev.modelcache.stream.NonBlockingClient;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.time.Clock;
import java.time.Duration;

/**
 * Writes an answer that a request did not fetch itself: a stored entry, the answer of an identical request it waited
 * for, or that request's event stream as it arrives. Each method returns false, having sent nothing, when the answer
 * can no longer be had (a record file removed since the look-up, a leader that finished before it could be joined):
 * the request then looks again.
 */
final class Replies {
    private final Duration idle;
    private final Clock clock;

    /** {@code idle}: how long a follower waits for each event of a live stream; {@code clock}: what {@code Age} counts on. */
    Replies(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    /**
     * What an exchange's answer is written to, and recorded in; {@code paced}: a stream keeps its recorded pacing;
     * {@code async}: how to take the request off its thread (null: never), so that a live stream is followed without one.
     */
    record Client(Exchange exchange, HttpServletResponse response, ExchangeTrace trace, boolean paced,
                  Supplier<AsyncContext> async) {
    }

    /**
     * The flight's answer, or its live stream; false for any other outcome. {@code overlapped}: this request came while
     * the flight's call was {@linkplain Flight#underway() under way}, so it counts as coalesced; one that came after the
     * answer landed (while it was being stored) is a plain hit. Null when nothing was sent; else done, or done later
     * (a live stream followed without a thread, failing as {@link Pending} says).
     */
    CompletableFuture<Void> take(Client client, Flight flight, Outcome outcome, boolean overlapped) throws IOException {
        if (outcome instanceof Outcome.Answered answered) {
            return replay(client, answered.response(), overlapped) ? Pending.DONE : null;
        }
        return outcome instanceof Outcome.Following following
                ? followLive(client, flight, following.stream(), overlapped) : null;
    }

    /** A stored answer, or an identical request's answer: a hit when it is a 2xx, else a shared miss. */
    boolean replay(Client client, CachedResponse entry, boolean coalesced) throws IOException {
        Body.Reader body;
        try {
            body = entry.bodySource().open();
        } catch (IOException e) {
            return false;
        }
        CacheStatus label = StorageVerdict.storableStatus(entry.status()) ? CacheStatus.HIT : CacheStatus.MISS;
        client.trace().answered(label, entry.status(), coalesced);
        client.trace().usage(entry.usage());
        ResponseHead.write(client.response(), entry.status(), entry.headers(), label, entry.storedAtMillis(),
                entry.isEventStream() ? ResponseHead.UNKNOWN_LENGTH : entry.bodyLength(), clock);
        Replayer.replay(entry, body, client.response().getOutputStream(), client.paced() && entry.isEventStream());
        return true;
    }

    /**
     * Relays an identical request's event stream to this client as the leader receives it, event by event, read from
     * the leader's copy: a hit whose tokens are known once the leader has stored it. If the leader's stream breaks
     * off, so does this one. With {@code async}, no thread is held while following ({@link LiveFollower}).
     */
    private CompletableFuture<Void> followLive(Client client, Flight flight, LiveStream live, boolean overlapped)
            throws IOException {
        if (!live.join()) {
            // Its copy is gone (finished, or abandoned as too large to keep): wait for the flight to end before this
            // request looks again, instead of finding the same flight and spinning until it does.
            flight.awaitEnd(idle);
            return null;
        }
        boolean handedOver = false;
        try {
            client.trace().answered(CacheStatus.HIT, live.status(), overlapped);
            ResponseHead.write(client.response(), live.status(), live.headers(), CacheStatus.HIT,
                    clock.millis(), ResponseHead.UNKNOWN_LENGTH, clock);
            if (client.async() == null) {
                live.relayTo(client.response().getOutputStream(), idle);
                followed(client, flight);
                return Pending.DONE;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            LiveLeg.Detached detached = LiveLeg.detach(client.async());
            ServletOutputStream out = client.response().getOutputStream();
            NonBlockingClient to = new NonBlockingClient(out);
            detached.watch(to);
            out.setWriteListener(to);
            LiveFollower follower = new LiveFollower(live, to, failure -> {
                live.leave();
                if (failure != null) {
                    // Broken off once its response is out; one with nothing out yet is answered the leader's failure
                    // (a 502), as a waiter is: breaking it off would have the container answer a bare 500.
                    flight.whenEnded(outcome -> detached.later(() -> done.completeExceptionally(
                            committed(client.response()) || !(outcome instanceof Outcome.Failed failed)
                                    ? failure : failed.error())));
                    return;
                }
                // Its tokens once the leader has them, with no thread waiting for the leader to store.
                flight.whenEnded(outcome -> detached.later(() -> {
                    if (outcome instanceof Outcome.Answered answered) {
                        client.trace().usage(answered.response().usage());
                    }
                    done.complete(null);
                }));
            });
            handedOver = true;
            follower.start();
            return done;
        } finally {
            if (!handedOver) {
                live.leave();
            }
        }
    }

    private static boolean committed(HttpServletResponse response) {
        try {
            return response.isCommitted();
        } catch (IllegalStateException | NullPointerException e) {
            return true; // the container already ended the request: nothing left to answer
        }
    }

    /** The stream followed is out: its tokens, once the leader has them. */
    private static void followed(Client client, Flight flight) throws IOException {
        if (flight.awaitEnd(Duration.ofSeconds(5)) instanceof Outcome.Answered done) {
            client.trace().usage(done.response().usage());
        }
    }
}
