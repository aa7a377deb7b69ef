package dev.modelcache.sdk;

import static dev.modelcache.support.AnthropicFixtures.EVENTS;
import static dev.modelcache.support.AnthropicFixtures.MESSAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.errors.AnthropicServiceException;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official Anthropic Java SDK ({@code com.anthropic:anthropic-java}) as a user runs it, its base URL pointed at
 * the proxy: every request twice, and the SDK must hand its caller the same message from the cache as from the
 * provider, streamed and not.
 */
class AnthropicJavaSdkIT {
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().provider("anthropic", "anthropic", "", "claude-*")
            .handler(r -> r.bodyText().contains("\"stream\":true") ? Reply.sse(EVENTS) : Reply.json(200, MESSAGE));
    AnthropicClient client;

    @BeforeEach
    void start() throws Exception {
        client = AnthropicOkHttpClient.builder().apiKey("sk-ant-test-key").baseUrl(fixture.proxy().uri("").toString())
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
    }

    private static MessageCreateParams params(String prompt) {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64).addUserMessage(prompt).build();
    }

    private static String text(Message message) {
        return message.content().get(0).text().orElseThrow().text();
    }

    @Test
    void messageFromTheCacheIsTheMessageFromTheProvider() throws Exception {
        Message first = client.messages().create(params("Say hello"));
        Message second = client.messages().create(params("Say hello"));
        assertEquals("Hello!", text(first));
        assertEquals(text(first), text(second));
        assertEquals(first.id(), second.id());
        assertEquals(2048L, second.usage().cacheReadInputTokens().orElseThrow());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals(CacheStatus.MISS, ended.get(0).cacheStatus());
        assertEquals(CacheStatus.HIT, ended.get(1).cacheStatus());
        assertEquals(1, fixture.upstream().calls());
        FakeUpstream.Request seen = fixture.upstream().requests().get(0);
        assertTrue("sk-ant-test-key".equals(seen.header("x-api-key"))
                || "Bearer sk-ant-test-key".equals(seen.header("authorization")), "the SDK's key reaches the provider");
        assertTrue(seen.header("anthropic-version") != null, "the SDK's own API version goes on as it sent it");
    }

    @Test
    void streamedMessageFromTheCacheAccumulatesToTheSameMessage() throws Exception {
        Message first = streamed("Stream hello");
        Message second = streamed("Stream hello");
        assertEquals("Hello there!", text(first));
        assertEquals(text(first), text(second));
        assertEquals(5L, second.usage().outputTokens());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(2);
        assertEquals(CacheStatus.MISS, ended.get(0).cacheStatus());
        assertEquals(CacheStatus.HIT, ended.get(1).cacheStatus());
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void proxysOwnErrorReachesTheCallerAsAnAnthropicError() throws Exception {
        MessageCreateParams unserved = MessageCreateParams.builder().model("mistral-large").maxTokens(8)
                .addUserMessage("Hi").build();
        AnthropicServiceException e = org.junit.jupiter.api.Assertions.assertThrows(AnthropicServiceException.class,
                () -> client.messages().create(unserved));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("mistral-large"), e.getMessage());
        assertEquals(0, fixture.upstream().calls());
    }

    private Message streamed(String prompt) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params(prompt))) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }
}
