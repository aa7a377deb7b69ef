package dev.modelcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.proxy.EntryRecorder.Recorded;
import dev.modelcache.proxy.Forwarder.Relayed;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.events.ExchangeTrace;
import dev.modelcache.events.Listeners;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.MockResponses;
import dev.modelcache.support.TestProxy;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.upstream.UpstreamClient;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry made from a relayed answer, the answer relayed by the real {@link Forwarder} from a provider on loopback:
 * a stream's events are found while it is relayed, never by reading its copy back (a large answer's spill file), and
 * an error shares with its followers what the header policy lets them see.
 */
class EntryRecorderTest {
    static final String STREAM_REQUEST = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}";

    @TempDir
    Path dir;
    FakeUpstream upstream;
    UpstreamClient client;
    Forwarder forwarder;
    ProviderTable providers;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start();
        client = new UpstreamClient(Duration.ofSeconds(2), Duration.ofSeconds(10), 4);
        forwarder = new Forwarder(client, new Listeners(), dir.resolve("spill"), 64L << 20);
        providers = ProviderTable.create(Config.from(Settings.of(TestProxy.settings(upstream.baseUrl(), dir))),
                new TokenCounter());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        upstream.close();
    }

    @Test
    void aStreamThatSpilledToDiskIsRecordedWithoutReadingTheSpillFileBack() throws Exception {
        String chunk = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"" + "word ".repeat(4096) + "\"},\"finish_reason\":null}]}\n\n";
        // Past the part of a copy kept in memory, so that the copy spills to a file.
        List<String> events = new ArrayList<>(Collections.nCopies(Forwarder.CAPTURE_MEMORY_BYTES / chunk.length() + 16, chunk));
        events.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500}}\n\n");
        events.add("data: [DONE]\n\n");
        upstream.handler(r -> Reply.sse(events));
        Exchange exchange = chat(STREAM_REQUEST);
        ModelProvider provider = providers.resolve(exchange);
        ByteArrayOutputStream body = new ByteArrayOutputStream();

        try (Relayed relayed = forwarder.forward(exchange, provider, MockResponses.into(body), CacheStatus.MISS, null,
                new ExchangeTrace("POST", TestProxy.CHAT))) {
            assertEquals(String.join("", events), body.toString(StandardCharsets.UTF_8), "the client had it all");
            // The copy spilled to disk; take the spill file away: storing must not need to read it.
            List<Path> spilled;
            try (Stream<Path> files = Files.list(dir.resolve("spill"))) {
                spilled = files.toList();
            }
            assertEquals(1, spilled.size(), "the answer spilled to one file: " + spilled);
            Files.delete(spilled.get(0));

            Recorded recorded = new EntryRecorder(java.time.Clock.systemUTC()).record(exchange, provider, relayed);

            assertTrue(recorded.verdict().store(), recorded.verdict().toString());
            assertNotNull(recorded.entry());
            assertEquals(events.size(), recorded.entry().chunks().size(), "one chunk an event");
            assertEquals(String.join("", events).length(), recorded.entry().bodyLength());
            assertEquals(1500, recorded.usage().totalTokens(), "the usage the provider reported in its last chunk");
        }
    }

    @Test
    void aStreamWithoutItsTerminalEventOrWithAnErrorEventIsNotStored() throws Exception {
        upstream.handler(r -> Reply.sse(List.of("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
                "data: {\"error\":{\"message\":\"overloaded\"}}\n\n", "data: [DONE]\n\n")));
        Exchange exchange = chat(STREAM_REQUEST);
        ModelProvider provider = providers.resolve(exchange);
        try (Relayed relayed = forwarder.forward(exchange, provider, MockResponses.into(new ByteArrayOutputStream()),
                CacheStatus.MISS, null, new ExchangeTrace("POST", TestProxy.CHAT))) {
            Recorded recorded = new EntryRecorder(java.time.Clock.systemUTC()).record(exchange, provider, relayed);
            assertFalse(recorded.verdict().store(), "an error event inside a 200 stream: " + recorded.verdict());
        }
    }

    @Test
    void theFollowersOfAnErrorSeeItsRateLimitsButNeitherCookiesNorTheAccountThatMadeTheCall() throws Exception {
        upstream.handler(r -> Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}").header("Retry-After", "7")
                .header("x-ratelimit-remaining-tokens", "0").header("openai-organization", "org-alice")
                .header("openai-project", "proj_alice").header("openai-processing-ms", "12"));
        Exchange exchange = chat("{\"model\":\"gpt-4o-mini\",\"messages\":[]}");
        ModelProvider provider = providers.resolve(exchange);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpServletResponse own = MockResponses.into(body);
        try (Relayed relayed = forwarder.forward(exchange, provider, own, CacheStatus.MISS, null,
                new ExchangeTrace("POST", TestProxy.CHAT))) {
            Recorded recorded = new EntryRecorder(java.time.Clock.systemUTC()).record(exchange, provider, relayed);

            Headers shared = recorded.entry().headers();
            List<String> names = shared.fields().stream().map(Map.Entry::getKey).map(String::toLowerCase).toList();
            assertEquals("7", shared.first("Retry-After").orElse(null));
            assertEquals("0", shared.first("x-ratelimit-remaining-tokens").orElse(null));
            assertEquals("req_fake", shared.first("x-request-id").orElse(null));
            assertEquals("12", shared.first("openai-processing-ms").orElse(null));
            assertFalse(names.contains("set-cookie"), names.toString());
            assertFalse(names.contains("openai-organization"), "a waiter may be another caller: " + names);
            assertFalse(names.contains("openai-project"), names.toString());
        }
        // The client that made the call sees its own answer's fields.
        org.mockito.Mockito.verify(own).addHeader("openai-organization", "org-alice");
    }

    private static Exchange chat(String json) {
        return new Exchange("POST", TestProxy.CHAT, null, Headers.of("Content-Type", "application/json",
                "Authorization", "Bearer sk-alice"), json.getBytes(StandardCharsets.UTF_8));
    }
}
