package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.modelcache.junit5.ModelCacheExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's test class with the official Anthropic Java SDK, built with {@code fromEnv()}: it finds the proxy through
 * the system property {@code anthropic.baseUrl}. Run by {@link SdksInEveryModeIT}.
 */
class AnthropicSdkScenario {
    @RegisterExtension
    static final ModelCacheExtension MODELCACHE = Rig.MODES.extension().build();

    AnthropicClient client;

    @BeforeEach
    void client() {
        client = AnthropicOkHttpClient.builder().fromEnv().apiKey("sk-ant-placeholder").build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    static MessageCreateParams ask(String prompt) {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64).addUserMessage(prompt).build();
    }

    static String text(Message message) {
        return message.content().get(0).text().orElseThrow().text();
    }

    @Test
    void aMessage() {
        assertEquals("Hello!", text(client.messages().create(ask("Say hello"))));
    }

    @Test
    void aStreamedMessage() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(ask("Stream hello"))) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertEquals("Hello there!", text(accumulator.message()));
        assertEquals(5L, accumulator.message().usage().outputTokens());
    }
}
