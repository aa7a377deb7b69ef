package dev.modelcache.sdk;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.FakeUpstream.Request;
import dev.modelcache.support.ProxyExtension;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java clients people use, pointed at the proxy: the official OpenAI Java SDK and LangChain4j's OpenAI chat
 * models, streamed and not, each request twice. The second is a hit, and the client hands its caller the same
 * answer from the cache as from the provider.
 */
class OpenAiJavaClientsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMBEDDING = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":[0.0023064255,-0.009327292]}],\"model\":\"text-embedding-3-small\","
            + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(OpenAiJavaClientsIT::answer);

    static Reply answer(Request request) {
        try {
            if (request.target().startsWith("/v1/embeddings")) {
                return Reply.json(200, EMBEDDING);
            }
            return JSON.readTree(request.body()).path("stream").asBoolean(false)
                    ? Reply.sse(CHAT_EVENTS) : Reply.json(200, CHAT_ANSWER);
        } catch (IOException e) {
            return Reply.json(400, "{\"error\":{\"message\":\"fake could not parse the body\",\"type\":\"invalid_request_error\"}}");
        }
    }

    OpenAIClient sdk() throws Exception {
        return OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl(fixture.proxy().uri("/v1").toString()).maxRetries(0).build();
    }

    @Test
    void theOpenAiJavaSdkGetsTheSameCompletionFromTheCacheAsFromTheProvider() throws Exception {
        OpenAIClient client = sdk();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Say hi").build();
        HttpResponseFor<ChatCompletion> first = client.withRawResponse().chat().completions().create(params);
        HttpResponseFor<ChatCompletion> second = client.withRawResponse().chat().completions().create(params);
        assertEquals(List.of("MISS"), first.headers().values("X-Cache"));
        assertEquals(List.of("HIT"), second.headers().values("X-Cache"));
        ChatCompletion fromProvider = first.parse();
        ChatCompletion fromCache = second.parse();
        assertEquals("Hi!", fromProvider.choices().get(0).message().content().orElseThrow());
        assertEquals(fromProvider, fromCache);
        assertEquals(14, fromCache.usage().orElseThrow().totalTokens());
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void theOpenAiJavaSdkStreamsTheSameChunksFromTheCacheAsFromTheProvider() throws Exception {
        OpenAIClient client = sdk();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Write a haiku about caches").build();
        List<ChatCompletionChunk> first = chunks(client, params);
        List<ChatCompletionChunk> second = chunks(client, params);
        assertEquals(CHAT_EVENTS.size() - 1, first.size(), "every chunk but [DONE]: " + first);
        assertEquals(first, second);
        assertEquals(1, fixture.upstream().calls(), "the second stream came from the cache");
        assertEquals("HIT", fixture.proxy().events().awaitExchanges(2).get(1).cacheStatus().name());
    }

    static List<ChatCompletionChunk> chunks(OpenAIClient client, ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            return stream.stream().collect(Collectors.toList());
        }
    }

    @Test
    void theOpenAiJavaSdkGetsTheSameEmbeddingFromTheCache() throws Exception {
        OpenAIClient client = sdk();
        EmbeddingCreateParams params = EmbeddingCreateParams.builder().model("text-embedding-3-small").input("hi").build();
        CreateEmbeddingResponse first = client.embeddings().create(params);
        CreateEmbeddingResponse second = client.embeddings().create(params);
        assertEquals(first, second);
        assertEquals(List.of(0.0023064255f, -0.009327292f), second.data().get(0).embedding());
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void langChain4jsOpenAiChatModelIsAnsweredFromTheCacheTheSecondTime() throws Exception {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(fixture.proxy().uri("/v1").toString()).apiKey("sk-test")
                .modelName("gpt-4o-mini").maxRetries(0).build();
        String first = model.chat("Say hi");
        String second = model.chat("Say hi");
        assertEquals("Hi!", first);
        assertEquals(first, second);
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void langChain4jsStreamingChatModelGetsTheSameTextFromTheCache() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(fixture.proxy().uri("/v1").toString())
                .apiKey("sk-test").modelName("gpt-4o-mini").build();
        String first = stream(model);
        String second = stream(model);
        assertEquals(first, second);
        assertEquals(expectedStreamText(), first);
        assertEquals(1, fixture.upstream().calls());
    }

    static String stream(OpenAiStreamingChatModel model) throws Exception {
        CompletableFuture<String> text = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        model.chat("Write a haiku about caches", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String piece) {
                partial.append(piece);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                text.complete(partial.toString());
            }

            @Override
            public void onError(Throwable error) {
                text.completeExceptionally(error);
            }
        });
        return text.get(30, TimeUnit.SECONDS);
    }

    /** The text the fixture's chunks carry, joined. */
    static String expectedStreamText() throws IOException {
        StringBuilder text = new StringBuilder();
        for (String event : CHAT_EVENTS) {
            String data = event.substring("data: ".length()).trim();
            if (!data.equals("[DONE]")) {
                JSON.readTree(data).path("choices").forEach(c -> text.append(c.path("delta").path("content").asText("")));
            }
        }
        return text.toString();
    }
}
