package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelPatternTest {
    @Test
    void starMatchesAnyRunIncludingNone() {
        ModelPattern p = new ModelPattern(List.of("gpt-4*"));
        assertTrue(p.matches("gpt-4"));
        assertTrue(p.matches("gpt-4o"));
        assertTrue(p.matches("gpt-4o-mini-2024-07-18"));
        assertFalse(p.matches("gpt-3.5-turbo"));
        assertFalse(p.matches("xgpt-4o"), "globs are anchored at the start");
    }

    @Test
    void starInTheMiddleAndAtTheStart() {
        ModelPattern p = new ModelPattern(List.of("*llama*instant", "meta-llama/*"));
        assertTrue(p.matches("llama-3.1-8b-instant"));
        assertTrue(p.matches("groq/llama-3.1-8b-instant"));
        assertFalse(p.matches("llama-3.1-8b-instant-x"), "globs are anchored at the end");
        assertTrue(p.matches("meta-llama/Llama-3.3-70B"));
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        ModelPattern p = new ModelPattern(List.of("o?-mini"));
        assertTrue(p.matches("o1-mini"));
        assertTrue(p.matches("o3-mini"));
        assertFalse(p.matches("o-mini"));
        assertFalse(p.matches("o10-mini"));
    }

    @Test
    void matchingIsCaseInsensitive() {
        ModelPattern p = new ModelPattern(List.of("GPT-4o*"));
        assertTrue(p.matches("gpt-4o"));
        assertTrue(p.matches("GPT-4O-MINI"));
    }

    @Test
    void otherCharactersAreLiteral() {
        ModelPattern p = new ModelPattern(List.of("gpt-3.5-turbo", "a+b", "(x)"));
        assertTrue(p.matches("gpt-3.5-turbo"));
        assertFalse(p.matches("gpt-3x5-turbo"), "a dot is not a regex wildcard");
        assertTrue(p.matches("a+b"));
        assertFalse(p.matches("aab"));
        assertTrue(p.matches("(x)"));
        assertFalse(p.matches("x"));
    }

    @Test
    void anyOfSeveralGlobsMatches() {
        ModelPattern p = new ModelPattern(List.of("gpt-*", "o1*", "text-embedding-3-small"));
        assertTrue(p.matches("o1-preview"));
        assertTrue(p.matches("text-embedding-3-small"));
        assertFalse(p.matches("text-embedding-3-large"));
        assertEquals("gpt-*,o1*,text-embedding-3-small", p.toString());
        assertEquals(List.of("gpt-*", "o1*", "text-embedding-3-small"), p.globs());
    }

    @Test
    void noGlobsMatchNothingAndNullNeverMatches() {
        assertFalse(new ModelPattern(List.of()).matches("gpt-4o"));
        assertFalse(new ModelPattern(List.of()).matches(""));
        assertFalse(new ModelPattern(List.of("*")).matches(null));
        assertTrue(new ModelPattern(List.of("*")).matches("anything/at:all"));
    }
}
