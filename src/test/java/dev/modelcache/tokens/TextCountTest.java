package dev.modelcache.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden token counts for plain text in each encoding. Every number is published in the OpenAI Cookbook, "How to count
 * tokens with tiktoken" (sections 3 and 5, which print the tokens for each encoding), and reached here through a model
 * of that encoding, so a wrong model mapping fails as well as a wrong count.
 */
class TextCountTest {
    private static final TokenCounter COUNTER = new TokenCounter();

    @ParameterizedTest(name = "{1}: \"{0}\" = {2}")
    @CsvSource(delimiter = '|', value = {
        "tiktoken is great!           | gpt-3.5-turbo    | 6",
        "tiktoken is great!           | gpt-4o-mini      | 6",
        "antidisestablishmentarianism | davinci          | 5",
        "antidisestablishmentarianism | text-davinci-003 | 5",
        "antidisestablishmentarianism | gpt-4            | 6",
        "antidisestablishmentarianism | gpt-4o           | 6",
        "2 + 2 = 4                    | davinci          | 5",
        "2 + 2 = 4                    | text-davinci-003 | 5",
        "2 + 2 = 4                    | gpt-4            | 7",
        "2 + 2 = 4                    | gpt-4o           | 7",
        "お誕生日おめでとう              | davinci          | 14",
        "お誕生日おめでとう              | text-davinci-003 | 14",
        "お誕生日おめでとう              | gpt-4            | 9",
        "お誕生日おめでとう              | gpt-4o           | 8"
    })
    void countsMatchTheCookbook(String text, String model, int expected) {
        assertEquals(expected, COUNTER.countText(model, text));
    }

    @Test
    void unknownModelsCountWithO200k() {
        // お誕生日おめでとう is 8 tokens in o200k_base and 9 in cl100k_base (cookbook section 5).
        assertEquals(8, COUNTER.countText("claude-3-5-sonnet-20241022", "お誕生日おめでとう"));
    }

    @Test
    void nothingCountsAsZero() {
        assertEquals(0, COUNTER.countText("gpt-4o", ""));
        assertEquals(0, COUNTER.countText("gpt-4o", null));
    }

    @Test
    void specialTokenMarkupIsOrdinaryText() {
        // As the special token it would be exactly 1 token; as the characters a user typed it is several.
        assertTrue(COUNTER.countText("gpt-4", "<|endoftext|>") > 1);
    }
}
