package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.provider.ModelPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the shipped Tomcat context file gives a new user before they change anything. */
class ShippedContextFileTest {
    private static final Path CONTEXT = Path.of("webapp-config/context.xml");

    /** OpenAI names a fine-tuned model {@code ft:<base>:<org>:<suffix>:<id>}: the default table must route it. */
    @Test
    void theDefaultOpenAiGlobsClaimFineTunedModels() throws Exception {
        Map<String, String> shipped = ContextEnvironment.read(CONTEXT);
        ModelPattern openai = new ModelPattern(Arrays.stream(shipped.get("providers/openai/models").split(","))
                .map(String::trim).toList());
        for (String model : List.of("ft:gpt-4o-mini:org::id", "ft:gpt-4o-mini-2024-07-18:my-org:custom:9xYzAbC1",
                "ft:gpt-3.5-turbo-0125:acme::8abc", "ft:o4-mini-2025-04-16:acme::B1c2")) {
            assertTrue(openai.matches(model), model);
        }
        assertFalse(openai.matches("claude-sonnet-4-5"));
    }

    /** DEPLOYMENT.md asks a standalone Tomcat for {@code <Context unloadDelay>} as long as the drain (30 s). */
    @Test
    void theContextWaitsAsLongAsTheDrain() throws Exception {
        Matcher context = Pattern.compile("<Context\\b([^>]*)>").matcher(Files.readString(CONTEXT));
        assertTrue(context.find(), "a <Context> element");
        Matcher delay = Pattern.compile("unloadDelay=\"(\\d+)\"").matcher(context.group(1));
        assertTrue(delay.find(), "unloadDelay on <Context>: " + context.group());
        assertEquals(30_000, Integer.parseInt(delay.group(1)), "the default shutdownDrainSeconds, in ms");
    }
}
