package dev.modelcache.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UsageTest {
    @Test
    void totalIsPromptPlusCompletion() {
        assertEquals(46, new Usage(12, 34, false).totalTokens());
        assertEquals(0, Usage.NONE.totalTokens());
    }

    @Test
    void negativeCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Usage(-1, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Usage(0, -1, false));
    }

    @Test
    void promptCacheCountsDefaultToZeroAndCannotBeNegative() {
        Usage plain = new Usage(12, 34, false);
        assertEquals(0, plain.cacheReadTokens());
        assertEquals(0, plain.cacheWriteTokens());
        assertEquals(plain, new Usage(12, 34, false, 0, 0));
        assertEquals(46, new Usage(12, 34, false, 10, 2).totalTokens(), "cache reads and writes are part of the prompt");
        assertThrows(IllegalArgumentException.class, () -> new Usage(1, 1, false, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Usage(1, 1, false, 0, -1));
    }
}
