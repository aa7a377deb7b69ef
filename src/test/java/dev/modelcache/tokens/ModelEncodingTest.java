package dev.modelcache.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Model names to encodings, after tiktoken's model.py table and OpenAI's model documentation. */
class ModelEncodingTest {
    private static final TokenCounter COUNTER = new TokenCounter();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "gpt-4o, O200K_BASE",
        "gpt-4o-2024-08-06, O200K_BASE",
        "gpt-4o-mini, O200K_BASE",
        "gpt-4o-mini-2024-07-18, O200K_BASE",
        "chatgpt-4o-latest, O200K_BASE",
        "gpt-4.1, O200K_BASE",
        "gpt-4.1-nano-2025-04-14, O200K_BASE",
        "gpt-4.5-preview, O200K_BASE",
        "gpt-5, O200K_BASE",
        "gpt-5-mini, O200K_BASE",
        "gpt-5.1, O200K_BASE",
        "o1, O200K_BASE",
        "o1-preview-2024-09-12, O200K_BASE",
        "o3-mini, O200K_BASE",
        "o4-mini-2025-04-16, O200K_BASE",
        "codex-mini-latest, O200K_BASE",
        "gpt-image-1, O200K_BASE",
        "omni-moderation-latest, O200K_BASE",
        "GPT-4O, O200K_BASE",
        "openai/gpt-4o, O200K_BASE",
        "ft:gpt-4o-mini:org::id, O200K_BASE",
        "ft:gpt-4o-mini-2024-07-18:acme:support-bot:9AbCdEf, O200K_BASE",
        "gpt-4, CL100K_BASE",
        "gpt-4-0613, CL100K_BASE",
        "gpt-4-32k, CL100K_BASE",
        "gpt-4-turbo, CL100K_BASE",
        "gpt-4-turbo-2024-04-09, CL100K_BASE",
        "gpt-4-1106-preview, CL100K_BASE",
        "gpt-3.5-turbo, CL100K_BASE",
        "gpt-3.5-turbo-0125, CL100K_BASE",
        "gpt-3.5-turbo-instruct, CL100K_BASE",
        "gpt-35-turbo, CL100K_BASE",
        "text-embedding-3-small, CL100K_BASE",
        "text-embedding-3-large, CL100K_BASE",
        "text-embedding-ada-002, CL100K_BASE",
        "ft:gpt-3.5-turbo-0613:org::8abc, CL100K_BASE",
        "ft:gpt-4-0613:org::8abc, CL100K_BASE",
        "davinci-002, CL100K_BASE",
        "babbage-002, CL100K_BASE",
        "text-davinci-003, P50K_BASE",
        "text-davinci-002, P50K_BASE",
        "code-davinci-002, P50K_BASE",
        "text-davinci-edit-001, P50K_EDIT",
        "text-davinci-001, R50K_BASE",
        "davinci, R50K_BASE",
        "text-curie-001, R50K_BASE",
        "ada, R50K_BASE",
        "davinci:ft-personal-2023-03-01-00-00-00, R50K_BASE"
    })
    void knownModelsUseTheirEncoding(String model, EncodingType expected) {
        assertEquals(expected, COUNTER.encodingFor(model));
        assertTrue(COUNTER.knows(model), model + " should be known");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"claude-3-5-sonnet-20241022", "llama3:8b", "gemini-1.5-pro", "gpt-40", "gpt-4oo",
        "o10-preview", "adapter-1", "my-azure-deployment"})
    void unknownModelsFallBackToO200kAndAreFlagged(String model) {
        assertEquals(EncodingType.O200K_BASE, COUNTER.encodingFor(model));
        assertFalse(COUNTER.knows(model), model + " should be unknown");
    }
}
