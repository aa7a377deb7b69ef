package dev.modelcache.flight;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.stream.Chunk;
import dev.modelcache.stream.ReadableCopy;
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
                List.of(new Chunk(body.length, 0)), 0, Usage.NONE, "openai", "gpt-4o");
    }

    /** Starts a follower on another thread, and waits until it is really waiting. */
    private static CompletableFuture<Outcome> follower(Flight flight) throws InterruptedException {
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Outcome> outcome = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return flight.await(LONG);
            } catch (java.io.InterruptedIOException e) {
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
    void aCallThatStartedEarlierNeverStoresOverOneThatStartedLater() {
        Flight earlier = registry.enter(KEY).flight();
        assertSame(earlier, registry.enter(KEY, true).flight(), "a refresh joins a flight whose answer is not on its way yet");
        earlier.answering(true);
        Ticket refresh = registry.enter(KEY, true);
        assertInstanceOf(Ticket.Leader.class, refresh, "a refresh does not join an answer a client may have had already");
        assertSame(refresh.flight(), registry.enter(KEY).flight(), "newcomers join the refresh");
        java.util.List<String> stored = new java.util.ArrayList<>();
        assertTrue(refresh.flight().store(() -> stored.add("refresh")));
        assertFalse(earlier.store(() -> stored.add("earlier")), "the earlier call's answer came late: refused");
        assertEquals(List.of("refresh"), stored, "the refused put never ran");
    }

    @Test
    void aReadFollowsTheLatestAnswerOnItsWayUntilItIsStored() {
        assertNull(registry.answering(KEY));
        Flight first = registry.enter(KEY).flight();
        assertNull(registry.answering(KEY), "no answer yet: reads use the store");
        first.answering(true);
        assertSame(first, registry.answering(KEY));
        Flight second = registry.alone(KEY);
        second.answering(true);
        assertSame(second, registry.answering(KEY), "the one that started later");
        second.complete(answer(200));
        second.close();
        assertNull(registry.answering(KEY), "stored: reads use the store again, not the older answer on its way");
        first.close();
        assertEquals(0, registry.lanes(), "nothing is kept for a key without flights");
    }

    @Test
    void anAnswerThatWillNotBeStoredIsNeitherFollowedByReadsNorJoined() {
        Flight flight = registry.enter(KEY).flight();
        flight.answering(false);
        assertNull(registry.answering(KEY));
        assertInstanceOf(Ticket.Leader.class, registry.enter(KEY), "a retry of an error reaches the provider");
    }

    @Test
    void aFailedCallTakesNoNewcomers() throws Exception {
        Flight flight = registry.enter(KEY).flight();
        CompletableFuture<Outcome> waiter = follower(registry.enter(KEY).flight());
        flight.answering(true);
        flight.fail(new ProxyError(502, "upstream_error", "upstream_unreachable", "cut"));
        assertInstanceOf(Outcome.Failed.class, waiter.get(10, TimeUnit.SECONDS), "those waiting share the failure");
        assertNull(registry.answering(KEY));
        assertInstanceOf(Ticket.Leader.class, registry.enter(KEY), "a request after the failure calls again");
    }

    /** A leader's copy in memory, as the capture is before it spills. */
    private static final class Copy implements ReadableCopy {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int holders = 1;

        long append(String text) {
            bytes.writeBytes(FlightRegistryTest.bytes(text));
            return bytes.size();
        }

        @Override
        public byte[] read(long from, int length) {
            return java.util.Arrays.copyOfRange(bytes.toByteArray(), (int) from, (int) from + length);
        }

        @Override
        public boolean retain() {
            if (holders == 0) {
                return false;
            }
            holders++;
            return true;
        }

        @Override
        public void release() {
            holders--;
        }
    }

    @Test
    void followersFollowALiveStreamEventByEventReadingTheLeadersCopy() throws Exception {
        Flight flight = registry.enter(KEY).flight();
        CompletableFuture<Outcome> waiter = follower(registry.enter(KEY).flight());
        Copy copy = new Copy();
        LiveStream live = flight.startLive(200, Headers.of("Content-Type", "text/event-stream"), copy);
        LiveStream followed = assertInstanceOf(Outcome.Following.class, waiter.get(10, TimeUnit.SECONDS)).stream();
        assertSame(live, followed);
        assertTrue(followed.join());
        live.published(copy.append("data: 1\n\n"));
        assertArrayEquals(bytes("data: 1\n\n"), followed.piece(0, LONG), "the first event before the second exists");
        CompletableFuture<byte[]> second = CompletableFuture.supplyAsync(() -> {
            try {
                return followed.piece(1, LONG);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        live.published(copy.append("data: [DONE]\n\n"));
        live.end(true);
        assertArrayEquals(bytes("data: [DONE]\n\n"), second.get(10, TimeUnit.SECONDS));
        assertNull(followed.piece(2, LONG), "a clean end");
        followed.leave();
        assertEquals(1, copy.holders, "the follower let go of the copy; the leader still holds it");
    }

    @Test
    void aFollowerCannotJoinACopyThatIsGoneAndLooksAgain() {
        Copy copy = new Copy();
        LiveStream live = registry.enter(KEY).flight().startLive(200, Headers.EMPTY, copy);
        copy.release();
        assertFalse(live.join(), "the leader finished and dropped its copy");
    }

    @Test
    void aLiveStreamThatBreaksOffFailsItsFollowers() {
        Flight flight = registry.enter(KEY).flight();
        Copy copy = new Copy();
        LiveStream live = flight.startLive(200, Headers.EMPTY, copy);
        live.published(copy.append("data: 1\n\n"));
        flight.close();
        assertThrows(IOException.class, () -> live.piece(1, LONG));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
