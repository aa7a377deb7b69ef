package dev.modelcache.store;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.EntryFilter;
import org.junit.jupiter.api.Test;

/** A wrapper built on ForwardingStore passes on every call, the interface's default ones (the pins) included. */
class ForwardingStoreTest {
    @Test
    void everyCallReachesTheWrappedStoreThePinsIncluded() {
        ResponseStore inner = mock(ResponseStore.class);
        CacheKey key = RecordFixtures.key(1);
        when(inner.pinned(key)).thenReturn(true);
        when(inner.setPinned(key, true)).thenReturn(true);
        ResponseStore outer = new ForwardingStore(inner) {
        };

        assertTrue(outer.pinned(key), "a hand-written wrapper answered false here, the interface's default");
        assertTrue(outer.setPinned(key, true));
        outer.get(key);
        outer.put(key, null, null);
        outer.remove(key);
        outer.request(key);
        outer.list(EntryFilter.ALL);
        outer.stats();
        outer.close();

        verify(inner).get(key);
        verify(inner).put(key, null, null);
        verify(inner).remove(key);
        verify(inner).request(key);
        verify(inner).list(EntryFilter.ALL);
        verify(inner).stats();
        verify(inner).close();
    }
}
