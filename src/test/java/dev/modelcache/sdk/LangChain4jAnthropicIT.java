package dev.modelcache.sdk;

import static dev.modelcache.support.AnthropicFixtures.EVENTS;
import static dev.modelcache.support.AnthropicFixtures.MESSAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LangChain4j's Anthropic chat models, blocking and streaming, with their base URL pointed at the proxy: the second
 * identical call is answered from the cache and the model hands its caller the same text and token counts.
 */
class LangChain4jAnthropicIT {
    /** LangChain4j writes its JSON with spaces ({@code "stream" : true}). */
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().provider("anthropic", "anthropic", "", "claude-*")
            .handler(r -> r.bodyText().matches("(?s).*\"stream\"\\s*:\\s*true.*") ? Reply.sse(EVENTS) : Reply.json(200, MESSAGE));

    private String baseUrl() throws Exception {
        return fixture.proxy().uri("/v1/").toString();
    }

    @Test
    void chatModelGetsTheSameAnswerFromTheCache() throws Exception {
        AnthropicChatModel model = AnthropicChatModel.builder().baseUrl(baseUrl()).apiKey("sk-ant-test-key")
                .modelName("claude-sonnet-4-5").maxTokens(64).maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        ChatResponse first = model.chat(UserMessage.from("Say hello"));
        ChatResponse second = model.chat(UserMessage.from("Say hello"));
        assertEquals("Hello!", first.aiMessage().text());
        assertEquals(first.aiMessage().text(), second.aiMessage().text());
        assertEquals(first.tokenUsage().outputTokenCount(), second.tokenUsage().outputTokenCount());
        assertHitAfterMiss();
    }

    @Test
    void streamingChatModelGetsTheSameAnswerFromTheCache() throws Exception {
        AnthropicStreamingChatModel model = AnthropicStreamingChatModel.builder().baseUrl(baseUrl())
                .apiKey("sk-ant-test-key").modelName("claude-sonnet-4-5").maxTokens(64)
                .timeout(Duration.ofSeconds(30)).build();
        ChatResponse first = stream(model, "Stream hello");
        ChatResponse second = stream(model, "Stream hello");
        assertEquals("Hello there!", first.aiMessage().text());
        assertEquals(first.aiMessage().text(), second.aiMessage().text());
        assertEquals(5, second.tokenUsage().outputTokenCount());
        assertHitAfterMiss();
    }

    private void assertHitAfterMiss() throws Exception {
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals(CacheStatus.MISS, ended.get(0).cacheStatus());
        assertEquals(CacheStatus.HIT, ended.get(1).cacheStatus());
        assertEquals(1, fixture.upstream().calls());
    }

    private static ChatResponse stream(AnthropicStreamingChatModel model, String prompt) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(prompt, new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done.get(30, TimeUnit.SECONDS);
    }
}
