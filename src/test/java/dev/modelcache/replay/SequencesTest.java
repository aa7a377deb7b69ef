package dev.modelcache.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.support.FakeSharedMap;
import org.junit.jupiter.api.Test;

/** Sequences counted per instance, and across a fleet through the cluster's map (issue 20), against a fake of it. */
class SequencesTest {
    private static final CacheKey KEY = new CacheKey("ab".repeat(32));
    private final FakeSharedMap cluster = new FakeSharedMap();

    @Test
    void aloneEachInstanceCountsItsOwn() {
        Sequences a = new Sequences();
        Sequences b = new Sequences();
        assertEquals(1, a.next("ns", KEY));
        assertEquals(1, b.next("ns", KEY));
        assertEquals(2, a.next("ns", KEY));
        assertEquals(1, a.reset("ns"));
        assertEquals(1, a.next("ns", KEY));
    }

    @Test
    void aSequencePlayedOverTwoInstancesCountsAcrossThem() {
        Sequences a = new Sequences(cluster);
        Sequences b = new Sequences(cluster);
        assertEquals(1, a.next("ns", KEY));
        assertEquals(2, b.next("ns", KEY));
        assertEquals(3, a.next("ns", KEY));
        assertEquals(4, b.peek("ns", KEY));
        assertEquals(1, b.next("other", KEY), "another namespace counts apart");
    }

    @Test
    void aResetOnOneInstanceStartsTheFleetsCountsOver() {
        Sequences a = new Sequences(cluster);
        Sequences b = new Sequences(cluster);
        a.next("ns", KEY);
        b.next("ns", KEY);
        b.next("other", KEY);
        assertEquals(1, b.reset("ns"));
        assertEquals(1, a.next("ns", KEY), "B's reset started A's sequence over too");
        assertEquals(2, a.next("other", KEY), "another namespace is left as it was");
        assertEquals(2, a.reset(null));
        assertEquals(1, b.next("other", KEY));
    }

    @Test
    void theClusterDownEachCountsItsOwnAndAResetMeanwhileReachesTheFleet() {
        Sequences a = new Sequences(cluster);
        Sequences b = new Sequences(cluster);
        a.next("ns", KEY);
        b.next("ns", KEY);
        cluster.down = true;
        assertEquals(2, a.next("ns", KEY), "A's own count: its second");
        a.reset("ns");
        cluster.down = false;
        a.clusterAnswers(); // the cluster's probe finds it back
        assertEquals(1, b.next("ns", KEY), "the reset made during the outage reached the fleet's count");
    }
}
