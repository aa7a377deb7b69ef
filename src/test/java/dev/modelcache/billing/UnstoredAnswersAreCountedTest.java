package dev.modelcache.billing;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An answer the provider was paid for counts its tokens and dollars whether or not the cache could keep it: when the
 * copy cannot spill to disk (a full disk: here the spill folder is a file), and when the request said
 * {@code no-store}. The provider reports 1000 prompt and 500 completion tokens on gpt-4o-mini: 0.00045 USD.
 */
class UnstoredAnswersAreCountedTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}";

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;

    /** An answer larger than the 1 MiB a copy keeps in memory before it spills to a file. */
    static String bigAnswer() {
        return "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + "word ".repeat(300_000) + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500}}";
    }

    @BeforeEach
    void start() throws Exception {
        String answer = bigAnswer();
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, answer));
        proxy = TestProxy.start(upstream.baseUrl(), cacheDir);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        upstream.close();
    }

    void assertCounted(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode());
        assertEquals(bigAnswer(), response.body(), "the client got the whole answer");
        List<ExchangeSummary> ended = proxy.events().awaitExchanges(1);
        assertEquals(1500, ended.get(0).usage().totalTokens(), "the exchange's tokens");
        proxy.settledStats();
        JsonNode spent = JSON.readTree(proxy.get("/_cache/stats").body()).at("/costs/total/spent");
        assertEquals(1500, spent.path("tokens").asLong(), spent.toString());
        CostsOverHttpTest.assertUsd(CostsOverHttpTest.ONE_CALL, spent.path("usd"));
    }

    @Test
    void anAnswerWhoseCopyCannotSpillToDiskIsCountedInFull() throws Exception {
        Path spillDir = cacheDir.resolve("tmp");
        Files.delete(spillDir);
        Files.writeString(spillDir, "not a folder: every spill file fails, as on a full disk");
        assertCounted(proxy.post(CHAT, REQUEST));
    }

    @Test
    void anAnswerToANoStoreRequestIsCountedInFull() throws Exception {
        assertCounted(proxy.post(CHAT, REQUEST, "Cache-Control", "no-store"));
        assertEquals(0, proxy.events().awaitStored(0).size(), "nothing stored");
    }
}
