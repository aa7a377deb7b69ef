package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one glob rule that routing, prices and the export filter share. */
class ModelGlobTest {
    @Test
    void starIsAnyRunIncludingNoneAndTheWholeNameMustMatch() {
        assertTrue(ModelGlob.matches("gpt-4*", "gpt-4"));
        assertTrue(ModelGlob.matches("gpt-4*", "gpt-4o-mini-2024-07-18"));
        assertFalse(ModelGlob.matches("gpt-4*", "xgpt-4o"), "anchored at the start");
        assertTrue(ModelGlob.matches("*llama*instant", "groq/llama-3.1-8b-instant"));
        assertFalse(ModelGlob.matches("*llama*instant", "llama-3.1-8b-instant-x"), "anchored at the end");
        assertTrue(ModelGlob.matches("a*b*c", "abbbc"));
        assertTrue(ModelGlob.matches("*-mini", "gpt-4o-mini-mini"), "a star backs up to take a later match");
        assertTrue(ModelGlob.matches("**", ""));
        assertTrue(ModelGlob.matches("*", ""), "an export's * takes entries without a model (matched as \"\")");
        assertFalse(ModelGlob.matches("gpt*", ""));
    }

    @Test
    void questionMarkIsExactlyOneCharacter() {
        assertTrue(ModelGlob.matches("o?-mini", "o1-mini"));
        assertFalse(ModelGlob.matches("o?-mini", "o-mini"));
        assertFalse(ModelGlob.matches("o?-mini", "o10-mini"));
        assertTrue(ModelGlob.matches("o*?", "o1"));
        assertFalse(ModelGlob.matches("o*?", "o"));
    }

    @Test
    void lettersCompareWithoutCaseEverywhere() {
        assertTrue(ModelGlob.matches("GPT-4o*", "gpt-4O-MINI"));
        assertTrue(ModelGlob.matches("gemini-2.5-flash*", "GEMINI-2.5-FLASH"));
        assertTrue(ModelGlob.matches("MODÈLE", "modèle"), "beyond ASCII too");
    }

    @Test
    void everyOtherCharacterIsLiteral() {
        assertTrue(ModelGlob.matches("gpt-3.5-turbo", "gpt-3.5-turbo"));
        assertFalse(ModelGlob.matches("gpt-3.5-turbo", "gpt-3x5-turbo"), "a dot is not a regex wildcard");
        assertFalse(ModelGlob.matches("a+b", "aab"));
        assertTrue(ModelGlob.matches("(x)|[y]\\Q", "(x)|[y]\\q"));
        assertTrue(ModelGlob.matches("a*", "a\nb"), "a star takes any character, line breaks too");
    }

    @Test
    void nullMatchesNothing() {
        assertFalse(ModelGlob.matches("*", null));
        assertFalse(ModelGlob.matches(null, "gpt-4o"));
    }

    @Test
    void moreFixedCharactersAreMoreSpecificAndAnExactNameBeatsAGlob() {
        assertTrue(ModelGlob.specificity("gpt-4o-mini*") > ModelGlob.specificity("gpt-4o*"));
        assertTrue(ModelGlob.specificity("my-model") > ModelGlob.specificity("my-model*"));
        assertTrue(ModelGlob.specificity("my-model") > ModelGlob.specificity("my-mode?"));
        assertEquals(ModelGlob.specificity("o?-mini"), ModelGlob.specificity("o*-mini"), "wildcards are not fixed");
        assertTrue(ModelGlob.isExact("gpt-4o"));
        assertFalse(ModelGlob.isExact("gpt-4?"));
    }

    @Test
    void manyStarsAgainstALongNameStayLinear() {
        String name = "a".repeat(5_000);
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertFalse(ModelGlob.matches("*a*a*a*a*a*a*a*a*a*a*b", name)));
    }
}
