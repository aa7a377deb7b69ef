package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.modelcache.junit5.ModelCacheExtension;
import dev.modelcache.junit5.ModelCacheProxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LangChain4j's OpenAI and Anthropic chat models, which read no system property: their base URL comes from the
 * {@link ModelCacheProxy} parameter. Run by {@link SdksInEveryModeIT}.
 */
class LangChain4jScenario {
    @RegisterExtension
    static final ModelCacheExtension MODELCACHE = Rig.MODES.extension().build();

    @Test
    void openAiChatModel(ModelCacheProxy proxy) {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(proxy.openAiBaseUrl()).apiKey("sk-placeholder")
                .modelName("gpt-4o-mini").maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        assertEquals("Echo: Say hi", model.chat("Say hi"));
    }

    @Test
    void anthropicChatModel(ModelCacheProxy proxy) {
        AnthropicChatModel model = AnthropicChatModel.builder().baseUrl(proxy.anthropicBaseUrl() + "/v1/")
                .apiKey("sk-ant-placeholder").modelName("claude-sonnet-4-5").maxTokens(64).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        assertEquals("Hello!", model.chat(UserMessage.from("Say hello")).aiMessage().text());
    }
}
