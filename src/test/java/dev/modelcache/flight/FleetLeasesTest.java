package dev.modelcache.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeSharedMap;
import dev.modelcache.support.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The fleet's lease decisions (issue 20, item 2) against a map that stands for the cluster's STRONG cache: who takes
 * a lease, when a dead holder's lease may be taken over (judged on the taker's clock, with a margin), renewal and
 * release, a store that cannot be reached, and the waiters' backoff. The cluster itself is in ClusterStripeIT.
 */
class FleetLeasesTest {
    static final String KEY = "a".repeat(64);

    final TestClock clock = new TestClock();
    final FakeSharedMap store = new FakeSharedMap();
    final FleetLeases a = new FleetLeases(store, "instance-a", clock);
    final FleetLeases b = new FleetLeases(store, "instance-b", clock);

    @Test
    void theFirstTakesTheLeaseTheOthersWait() {
        FleetLeases.Claim first = a.claim(KEY);
        assertEquals(FleetLeases.Kind.HELD, first.kind());
        assertEquals("instance-a:" + (clock.millis() + FleetLeases.TERM.toMillis()), store.values.get(KEY));
        assertEquals(FleetLeases.Kind.BUSY, b.claim(KEY).kind(), "another instance waits");
        assertEquals(FleetLeases.Kind.UNSHARED, a.claim(KEY).kind(),
                "a second flight of the holder's own instance is local coalescing's business, not a wait");
        assertEquals(1, a.held());
    }

    @Test
    void aReleasedLeaseIsTakenAtOnce() {
        FleetLeases.Claim first = a.claim(KEY);
        a.release(first.lease());
        assertNull(store.values.get(KEY));
        assertEquals(0, a.held());
        assertEquals(FleetLeases.Kind.HELD, b.claim(KEY).kind(), "the holder's answer was not stored: B calls");
    }

    @Test
    void aDeadHoldersLeaseIsTakenOverOnlyPastItsExpiryAndTheMargin() {
        a.claim(KEY); // A dies: it never renews nor releases
        clock.advance(FleetLeases.TERM.plus(FleetLeases.MARGIN));
        assertEquals(FleetLeases.Kind.BUSY, b.claim(KEY).kind(), "at expiry plus the margin it still counts");
        clock.advance(Duration.ofMillis(1));
        FleetLeases.Claim taken = b.claim(KEY);
        assertEquals(FleetLeases.Kind.HELD, taken.kind(), "past it, B takes over");
        assertTrue(store.values.get(KEY).startsWith("instance-b:"), store.values.get(KEY));
        assertEquals(FleetLeases.Kind.BUSY, new FleetLeases(store, "instance-c", clock).claim(KEY).kind(),
                "and holds it as any holder does");
    }

    @Test
    void aRenewedLeaseLivesOnAndALostOneIsLetGo() {
        FleetLeases.Claim held = a.claim(KEY);
        for (int i = 0; i < 10; i++) {
            clock.advance(FleetLeases.RENEW);
            a.renew();
            assertEquals(FleetLeases.Kind.BUSY, b.claim(KEY).kind(), "a holder that renews is never taken over");
        }
        store.values.put(KEY, "instance-c:" + clock.millis()); // lost, e.g. taken over while the cluster was away
        a.renew();
        assertEquals(0, a.held(), "a lease lost is no longer renewed");
        a.release(held.lease());
        assertEquals("instance-c:" + clock.millis(), store.values.get(KEY), "nor released: it is another's");
    }

    @Test
    void anUnreadableLeaseIsTakenOver() {
        store.values.put(KEY, "garbage");
        assertEquals(FleetLeases.Kind.HELD, b.claim(KEY).kind());
    }

    @Test
    void aStoreThatCannotBeReachedLeavesItToLocalSingleFlight() {
        store.down = true;
        assertSame(FleetLeases.Kind.UNSHARED, a.claim(KEY).kind());
        store.down = false;
        FleetLeases.Claim held = a.claim(KEY);
        store.down = true;
        a.renew(); // no exception out of the renewal
        a.release(held.lease());
        assertEquals(0, a.held());
        store.down = false;
        assertTrue(store.values.containsKey(KEY), "a lease that could not be released expires by itself");
    }

    @Test
    void leaseValuesAreReadBack() {
        assertEquals(new FleetLeases.Lease("6f1c-uuid", 1234L), FleetLeases.parse("6f1c-uuid:1234"));
        assertEquals(new FleetLeases.Lease("a:b", 5L), FleetLeases.parse("a:b:5"));
        assertNull(FleetLeases.parse(null));
        assertNull(FleetLeases.parse(":12"));
        assertNull(FleetLeases.parse("holder:soon"));
        assertNull(FleetLeases.parse("holder"));
        assertTrue(FleetLeases.expired(null, 0));
        assertFalse(FleetLeases.expired(new FleetLeases.Lease("x", 1000), 1000 + FleetLeases.MARGIN.toMillis()));
        assertTrue(FleetLeases.expired(new FleetLeases.Lease("x", 1000), 1001 + FleetLeases.MARGIN.toMillis()));
    }

    @Test
    void waitersBackOffFrom20MsDoublingTo200() {
        assertEquals(Duration.ofMillis(20), FleetLeases.backoff(0));
        assertEquals(Duration.ofMillis(40), FleetLeases.backoff(1));
        assertEquals(Duration.ofMillis(80), FleetLeases.backoff(2));
        assertEquals(Duration.ofMillis(160), FleetLeases.backoff(3));
        assertEquals(Duration.ofMillis(200), FleetLeases.backoff(4));
        assertEquals(Duration.ofMillis(200), FleetLeases.backoff(1000));
    }
}
