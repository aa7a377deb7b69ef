package dev.modelcache.proxy;

import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream past what is read back for counting ({@link EntryRecorder#COUNTED_BYTES}) still counts the usage its
 * provider reports in its last chunk, and a JSON answer past it the usage it reports: 1000 prompt and 500 completion
 * tokens, whatever text came before.
 */
class BigAnswerUsageTest {
    static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();

    @Test
    void aStreamPastTheCountingBoundCountsTheUsageItReports() throws Exception {
        List<String> events = new ArrayList<>();
        String content = "word ".repeat(4096);
        long size = 0;
        while (size <= EntryRecorder.COUNTED_BYTES + 1024 * 1024) {
            String event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":"
                    + "[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
            events.add(event);
            size += event.length();
        }
        events.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500}}\n\n");
        events.add("data: [DONE]\n\n");
        fixture.handler(r -> Reply.sse(events));
        HttpResponse<String> answer = fixture.post(CHAT, REQUEST);
        assertEquals(200, answer.statusCode());
        assertEquals(String.join("", events), answer.body());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(1);
        assertEquals(1500, ended.get(0).usage().totalTokens(), "the usage the provider reported");
        assertEquals("HIT", xCache(fixture.post(CHAT, REQUEST)));
    }

    @Test
    void aJsonAnswerPastTheCountingBoundCountsTheUsageItReports() throws Exception {
        String answer = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + "word ".repeat(2_000_000) + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500}}";
        String request = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}";
        fixture.handler(r -> Reply.json(200, answer));
        HttpResponse<String> first = fixture.post(CHAT, request);
        assertEquals(200, first.statusCode());
        assertEquals(answer, first.body());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(1);
        assertEquals(1500, ended.get(0).usage().totalTokens(), "the usage the provider reported");
        HttpResponse<String> hit = fixture.post(CHAT, request);
        assertEquals("HIT", xCache(hit));
        assertEquals(answer, hit.body());
    }

    @Test
    void anAnswerTooLargeToKeepWithATtlIsRelayedWholeAndNotStored() throws Exception {
        String answer = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + "word ".repeat(500_000) + "\"},"
                + "\"finish_reason\":\"stop\"}]}";
        String request = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"ttl\"}]}";
        fixture.handler(r -> Reply.json(200, answer)).with("cache/maxEntryMB", "1");
        HttpResponse<String> first = fixture.post(CHAT, request, "X-Cache-TTL", "60");
        assertEquals(200, first.statusCode());
        assertEquals(answer, first.body());
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(1);
        assertEquals(200, ended.get(0).httpStatus(), "the exchange ended as answered, not failed in the store step");
        assertEquals("MISS", xCache(fixture.post(CHAT, request)),
                "past cache/maxEntryMB nothing is kept");
    }
}
