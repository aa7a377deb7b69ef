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
import java.io.IOException;
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

    /** What an exchange's answer is written to, and recorded in; {@code paced}: a stream keeps its recorded pacing. */
    record Client(Exchange exchange, HttpServletResponse response, ExchangeTrace trace, boolean paced) {
    }

    /**
     * The flight's answer, or its live stream; false for any other outcome. {@code overlapped}: this request came while
     * the flight's call was {@linkplain Flight#underway() under way}, so it counts as coalesced; one that came after the
     * answer landed (while it was being stored) is a plain hit.
     */
    boolean take(Client client, Flight flight, Outcome outcome, boolean overlapped) throws IOException {
        if (outcome instanceof Outcome.Answered answered) {
            return replay(client, answered.response(), overlapped);
        }
        return outcome instanceof Outcome.Following following && followLive(client, flight, following.stream(), overlapped);
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
     * off, so does this one.
     */
    private boolean followLive(Client client, Flight flight, LiveStream live, boolean overlapped) throws IOException {
        if (!live.join()) {
            // Its copy is gone (finished, or abandoned as too large to keep): wait for the flight to end before this
            // request looks again, instead of finding the same flight and spinning until it does.
            flight.awaitEnd(idle);
            return false;
        }
        try {
            client.trace().answered(CacheStatus.HIT, live.status(), overlapped);
            ResponseHead.write(client.response(), live.status(), live.headers(), CacheStatus.HIT,
                    clock.millis(), ResponseHead.UNKNOWN_LENGTH, clock);
            live.relayTo(client.response().getOutputStream(), idle);
        } finally {
            live.leave();
        }
        if (flight.awaitEnd(Duration.ofSeconds(5)) instanceof Outcome.Answered done) {
            client.trace().usage(done.response().usage());
        }
        return true;
    }
}
