package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.modelcache.junit5.ModelCacheExtension;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's test class with the official OpenAI Java SDK, built with {@code fromEnv()} and no base URL of its own:
 * it finds the proxy through the system property {@code openai.baseUrl}, which the extension sets for the class
 * (namespace included). Run by {@link SdksInEveryModeIT} in each mode; not a test of its own (no *Test, no *IT).
 */
class OpenAiSdkScenario {
    static final String MODEL = "gpt-4o-mini";

    @RegisterExtension
    static final ModelCacheExtension MODELCACHE = Rig.MODES.extension().build();

    OpenAIClient client;

    @BeforeEach
    void client() {
        // No baseUrl: fromEnv() reads openai.baseUrl. The key is a placeholder: the proxy shares one partition.
        client = OpenAIOkHttpClient.builder().fromEnv().apiKey("sk-placeholder").build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    static ChatCompletionCreateParams ask(String prompt) {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(prompt).build();
    }

    String say(String prompt) {
        return client.chat().completions().create(ask(prompt)).choices().get(0).message().content().orElseThrow();
    }

    /** The text of the answer to {@code params} from a client built by {@code client}, closed after. */
    static String answer(OpenAIOkHttpClient.Builder client, ChatCompletionCreateParams params) {
        OpenAIClient built = client.build();
        try {
            return built.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
        } finally {
            built.close();
        }
    }

    @Test
    void theSdkFindsTheProxyThroughItsSystemProperty() {
        assertTrue(System.getProperty("openai.baseUrl").endsWith("/_ns/OpenAiSdkScenario/v1"),
                System.getProperty("openai.baseUrl"));
        assertEquals("Echo: Say hi", say("Say hi"));
    }

    @Test
    void aStreamIsReplayedChunkForChunk() {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ask("Stream hello"))) {
            String text = stream.stream().flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining());
            assertEquals("Hello there", text);
        }
    }

    @Test
    void theSameRequestTwiceGetsBothAnswersInOrder() {
        assertEquals("4", say(ChatProvider.DIE));
        assertEquals("6", say(ChatProvider.DIE));
    }
}
