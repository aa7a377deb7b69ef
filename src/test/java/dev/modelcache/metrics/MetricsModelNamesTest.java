package dev.modelcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Model names as metric tags stay few: past the cap every new name is "other". */
class MetricsModelNamesTest {
    @Test
    void theFirstNamesPassAndLaterOnesFoldIntoOther() {
        BoundedNames names = new BoundedNames(2);
        assertEquals("gpt-4o", names.of("gpt-4o"));
        assertEquals("claude-sonnet-4", names.of("claude-sonnet-4"));
        assertEquals("other", names.of("gemini-2.5-pro"));
        assertEquals("gpt-4o", names.of("gpt-4o"), "a name seen before keeps its own tag");
    }

    @Test
    void aMissingNameIsNoneAndALongOneIsCut() {
        BoundedNames names = new BoundedNames(MetricsListener.MAX_MODELS);
        assertEquals("none", names.of(null));
        assertEquals("none", names.of(" "));
        assertEquals(BoundedNames.MAX_LENGTH, names.of("m".repeat(500)).length());
    }

    @Test
    void theCapIsAHundredModels() {
        BoundedNames names = new BoundedNames(MetricsListener.MAX_MODELS);
        for (int i = 0; i < 100; i++) {
            assertEquals("model-" + i, names.of("model-" + i));
        }
        assertEquals("other", names.of("model-100"));
    }
}
