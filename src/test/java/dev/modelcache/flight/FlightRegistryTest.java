package dev.modelcache.flight;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FlightRegistryTest {
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final CacheKey KEY = new CacheKey("a".repeat(64));
    private static final CacheKey OTHER = new CacheKey("b".repeat(64));

    private final FlightRegistry registry = new FlightRegistry();

    private static CachedResponse answer(int status) {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(status, Headers.of("Content-Type", "application/json"), body,
                List.of(new CachedResponse.Chunk(body.length, 0)), 0, Usage.NONE, "openai", "gpt-4o");
    }

    /** Starts a follower on another thread, and waits until it is really waiting. */
    private static CompletableFuture<Outcome> follower(Flight flight) throws InterruptedException {
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Outcome> outcome = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return flight.await(LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiting.await();
        return outcome;
    }

    @Test
    void theFirstToEnterLeadsAndTheNextFollowTheSameFlight() {
        Ticket first = registry.enter(KEY);
        Ticket second = registry.enter(KEY);
        Ticket third = registry.enter(KEY);
        assertInstanceOf(Ticket.Leader.class, first);
        assertInstanceOf(Ticket.Follower.class, second);
        assertSame(first.flight(), second.flight());
        assertSame(first.flight(), third.flight());
        assertInstanceOf(Ticket.Leader.class, registry.enter(OTHER), "another key is another flight");
    }

    @Test
    void followersGetTheLeadersAnswer() throws Exception {
        Flight flight = registry.enter(KEY).flight();
        CompletableFuture<Outcome> a = follower(registry.enter(KEY).flight());
        CompletableFuture<Outcome> b = follower(registry.enter(KEY).flight());
        CachedResponse response = answer(200);
        flight.complete(response);
        flight.close();
        assertSame(response, assertInstanceOf(Outcome.Answered.class, a.get(10, TimeUnit.SECONDS)).response());
        assertSame(response, assertInstanceOf(Outcome.Answered.class, b.get(10, TimeUnit.SECONDS)).response());
    }

    @Test
    void followersShareTheLeadersError() throws Exception {
        Flight flight = registry.enter(KEY).flight();
        CompletableFuture<Outcome> waiter = follower(registry.enter(KEY).flight());
        ProxyError error = new ProxyError(502, "upstream_error", "upstream_unreachable", "down");
        flight.fail(error);
        flight.close();
        assertSame(error, assertInstanceOf(Outcome.Failed.class, waiter.get(10, TimeUnit.SECONDS)).error());
    }

    @Test
    void aLeaderThatEndsWithoutAnAnswerLeavesFollowersBroken() throws Exception {
        Flight flight = registry.enter(KEY).flight();
        CompletableFuture<Outcome> waiter = follower(registry.enter(KEY).flight());
        flight.close();
        assertInstanceOf(Outcome.Broken.class, waiter.get(10, TimeUnit.SECONDS));
        assertInstanceOf(Ticket.Leader.class, registry.enter(KEY), "the next request leads a new flight");
    }

    @Test
    void aDetachedFlightTakesNoNewcomersButAnswersThoseWaiting() throws Exception {
        Flight flight = registry.enter(KEY).flight();
        CompletableFuture<Outcome> waiter = follower(registry.enter(KEY).flight());
        flight.detach();
        Ticket retry = registry.enter(KEY);
        assertInstanceOf(Ticket.Leader.class, retry, "an SDK's retry of an error reaches the provider");
        flight.complete(answer(429));
        assertEquals(429, assertInstanceOf(Outcome.Answered.class, waiter.get(10, TimeUnit.SECONDS)).response().status());
        retry.flight().close();
        assertEquals(0, registry.size());
    }

    @Test
    void aFollowerThatWaitsPastItsLimitIsToldToGoAlone() throws Exception {
        registry.enter(KEY);
        Flight flight = registry.enter(KEY).flight();
        assertInstanceOf(Outcome.TimedOut.class, flight.await(Duration.ofMillis(1)));
    }

    @Test
    void followersFollowALiveStreamEventByEvent() throws Exception {
        Flight flight = registry.enter(KEY).flight();
        CompletableFuture<Outcome> waiter = follower(registry.enter(KEY).flight());
        LiveStream live = flight.startLive(200, Headers.of("Content-Type", "text/event-stream"), 1024);
        LiveStream followed = assertInstanceOf(Outcome.Following.class, waiter.get(10, TimeUnit.SECONDS)).stream();
        assertSame(live, followed);
        live.add(bytes("data: 1\n\n"));
        assertArrayEquals(bytes("data: 1\n\n"), followed.piece(0, LONG), "the first event before the second exists");
        CompletableFuture<byte[]> second = CompletableFuture.supplyAsync(() -> {
            try {
                return followed.piece(1, LONG);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        live.add(bytes("data: [DONE]\n\n"));
        live.end(true);
        assertArrayEquals(bytes("data: [DONE]\n\n"), second.get(10, TimeUnit.SECONDS));
        assertNull(followed.piece(2, LONG), "a clean end");
    }

    @Test
    void aLiveStreamThatBreaksOffFailsItsFollowers() {
        Flight flight = registry.enter(KEY).flight();
        LiveStream live = flight.startLive(200, Headers.EMPTY, 1024);
        live.add(bytes("data: 1\n\n"));
        flight.close();
        assertThrows(IOException.class, () -> live.piece(1, LONG));
    }

    @Test
    void aLiveStreamPastItsLimitBreaksRatherThanHoldMore() {
        Flight flight = registry.enter(KEY).flight();
        LiveStream live = flight.startLive(200, Headers.EMPTY, 8);
        live.add(bytes("data: 1\n\n"));
        assertThrows(IOException.class, () -> live.piece(0, LONG));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
