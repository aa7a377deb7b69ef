package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GlobOverlapTest {
    @ParameterizedTest(name = "{0} and {1} overlap")
    @CsvSource({"gpt-*,gpt-*", "gpt-*,GPT-4o", "*,claude-3", "gpt-*,*-mini", "gpt-4?,gpt-4o", "o?-mini,o*",
            "claude-*,claude-3-*", "*a*,*b*", "a*b,a*b*", "??,ab", "*,*", "a*,*a"})
    void globsThatCanMatchOneNameOverlap(String a, String b) {
        assertTrue(GlobOverlap.overlap(a, b));
        assertTrue(GlobOverlap.overlap(b, a));
    }

    @ParameterizedTest(name = "{0} and {1} are disjoint")
    @CsvSource({"gpt-*,o1*", "gpt-*,claude-*", "gpt-4?,gpt-4", "??,abc", "a*b,*c", "claude-3,claude-3-opus",
            "llama*,mixtral-*", "text-embedding-*,gpt-*"})
    void globsThatCannotMatchOneNameAreDisjoint(String a, String b) {
        assertFalse(GlobOverlap.overlap(a, b));
        assertFalse(GlobOverlap.overlap(b, a));
    }

    @Test
    void overlapAgreesWithMatchingOnTheWitnessName() {
        // Each overlap has a name both globs match; check a few against ModelPattern itself.
        assertTrue(new ModelPattern(List.of("gpt-*")).matches("gpt-4o-mini"));
        assertTrue(new ModelPattern(List.of("*-mini")).matches("gpt-4o-mini"));
        assertFalse(new ModelPattern(List.of("gpt-4?")).matches("gpt-4"));
    }

    @Test
    void firstOverlapNamesBothGlobs() {
        assertEquals(List.of("o1*", "o*"), GlobOverlap.firstOverlap(List.of("gpt-*", "o1*"), List.of("claude-*", "o*")));
        assertNull(GlobOverlap.firstOverlap(List.of("gpt-*"), List.of("claude-*")));
        assertNull(GlobOverlap.firstOverlap(List.of(), List.of("*")));
    }
}
