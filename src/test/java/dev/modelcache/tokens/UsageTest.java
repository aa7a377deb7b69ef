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
}
