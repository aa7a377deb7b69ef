package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.modelcache.junit5.ModelCacheTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A test of code that calls OpenAI, with one annotation: ModelCache runs beside the class, and the official SDK,
 * built with {@code fromEnv()} as it would be in production, finds it through the system property
 * {@code openai.baseUrl} that the extension sets. The answer comes from the committed cassette in
 * {@code src/test/resources/modelcache/ChatTest/} in replay (no key, no network), from OpenAI when recording.
 */
@ModelCacheTest
class ChatTest {
    private OpenAIClient client;

    @BeforeEach
    void client() {
        // The key: OPENAI_API_KEY when recording; in replay the extension gives the SDK a placeholder.
        client = OpenAIOkHttpClient.fromEnv();
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void theModelSaysHi() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gpt-5-mini")
                .addUserMessage("Say hi, in two words.")
                .build();
        String answer = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
        assertEquals("Hi there!", answer);
    }
}
