package dev.modelcache.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.support.AnthropicFixtures;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.GeminiFixtures;
import dev.modelcache.support.OpenAiFixtures;
import dev.modelcache.support.TestProxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the providers issue promises, in one run: the official OpenAI, Anthropic and Google GenAI Java SDKs all
 * work through ONE running proxy (three providers in its table, each behind its own fake), streamed and not, the
 * second call of each answered from the cache, and the ledger counts what each call cost and each hit saved.
 */
class ThreeProvidersOneProxyIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path cacheDir;
    FakeUpstream openai;
    FakeUpstream anthropic;
    FakeUpstream google;
    TestProxy proxy;

    @BeforeEach
    void start() throws Exception {
        openai = FakeUpstream.start().handler(r -> r.bodyText().contains("\"stream\":true")
                ? Reply.sse(OpenAiFixtures.CHAT_EVENTS) : Reply.json(200, OpenAiFixtures.CHAT_ANSWER));
        anthropic = FakeUpstream.start().handler(r -> r.bodyText().contains("\"stream\":true")
                ? Reply.sse(AnthropicFixtures.EVENTS) : Reply.json(200, AnthropicFixtures.MESSAGE));
        google = FakeUpstream.start().handler(r -> r.target().contains(":streamGenerateContent")
                ? Reply.sse(GeminiFixtures.EVENTS) : Reply.json(200, GeminiFixtures.ANSWER));
        Map<String, String> settings = TestProxy.settings(openai.baseUrl(), cacheDir);
        settings.put("providers/anthropic/type", "anthropic");
        settings.put("providers/anthropic/baseUrl", anthropic.baseUrl());
        settings.put("providers/anthropic/models", "claude-*");
        settings.put("providers/gemini/type", "gemini");
        settings.put("providers/gemini/baseUrl", google.baseUrl());
        settings.put("providers/gemini/models", "gemini-*");
        proxy = TestProxy.start(settings);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        openai.close();
        anthropic.close();
        google.close();
    }

    @Test
    void openAiAnthropicAndGeminiClientsAreServedByOneProxyAndTheSecondCallOfEachIsAHit() throws Exception {
        OpenAIClient gpt = OpenAIOkHttpClient.builder().apiKey("sk-openai-test").baseUrl(proxy.uri("/v1").toString())
                .maxRetries(0).build();
        ChatCompletionCreateParams chat = ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Say hi").build();
        ChatCompletion plain = gpt.chat().completions().create(chat);
        assertEquals(plain, gpt.chat().completions().create(chat));
        assertEquals(chunks(gpt, chat), chunks(gpt, chat));

        AnthropicClient claude = AnthropicOkHttpClient.builder().apiKey("sk-ant-test").baseUrl(proxy.uri("").toString())
                .maxRetries(0).build();
        MessageCreateParams message = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64)
                .addUserMessage("Say hello").build();
        Message first = claude.messages().create(message);
        assertEquals(first, claude.messages().create(message));
        MessageCreateParams streamed = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64)
                .addUserMessage("Stream hello").build();
        assertEquals(events(claude, streamed), events(claude, streamed));

        try (Client gemini = Client.builder().apiKey("AIza-test")
                .httpOptions(HttpOptions.builder().baseUrl(proxy.uri("").toString()).build()).build()) {
            GenerateContentResponse answer = gemini.models.generateContent("gemini-2.5-flash", "Say hello", null);
            assertEquals(answer.text(), gemini.models.generateContent("gemini-2.5-flash", "Say hello", null).text());
            String text = streamedText(gemini);
            assertTrue(!text.isEmpty());
            assertEquals(text, streamedText(gemini));
        }

        List<ExchangeSummary> exchanges = proxy.events().awaitExchanges(12);
        assertEquals(List.of("openai", "openai", "openai", "openai", "anthropic", "anthropic", "anthropic", "anthropic",
                "gemini", "gemini", "gemini", "gemini"), exchanges.stream().map(ExchangeSummary::provider).toList());
        for (int i = 0; i < exchanges.size(); i += 2) {
            assertEquals(CacheStatus.MISS, exchanges.get(i).cacheStatus(), exchanges.get(i).toString());
            assertEquals(CacheStatus.HIT, exchanges.get(i + 1).cacheStatus(), exchanges.get(i + 1).toString());
        }
        assertEquals(2, openai.calls());
        assertEquals(2, anthropic.calls());
        assertEquals(2, google.calls());

        proxy.settledStats();
        JsonNode byProvider = JSON.readTree(proxy.get("/_cache/stats").body()).path("costs").path("byProvider");
        for (String provider : List.of("openai", "anthropic", "gemini")) {
            JsonNode costs = byProvider.path(provider);
            assertTrue(costs.path("spent").path("count").asLong() >= 1, provider + ": " + byProvider);
            assertTrue(costs.path("saved").path("count").asLong() >= 1, provider + ": " + byProvider);
            assertTrue(costs.path("saved").path("tokens").asLong() > 0, provider + " hits keep their tokens: " + byProvider);
        }
    }

    static List<RawMessageStreamEvent> events(AnthropicClient client, MessageCreateParams params) {
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            return stream.stream().collect(Collectors.toList());
        }
    }

    static String streamedText(Client client) {
        StringBuilder text = new StringBuilder();
        try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream("gemini-2.5-flash",
                "Stream hello", null)) {
            for (GenerateContentResponse chunk : stream) {
                text.append(chunk.text());
            }
        }
        return text.toString();
    }

    static List<ChatCompletionChunk> chunks(OpenAIClient client, ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            return stream.stream().collect(Collectors.toList());
        }
    }
}
