package dev.modelcache;

import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CanonicalJson;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.tokens.TokenCounter;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request thread of a hit does only what the answer needs: the tokens it saved are the ones stored with the
 * entry, so a hit runs no tokenizer and parses no answer (nor the entry's metadata as JSON). Read from counters
 * ({@link TokenCounter#runs()}, {@link JsonParsers#answerParses()}) around the hits, after a miss that moved both. A
 * repeated request's plan is remembered by its bytes, so a hit parses no request body and spells no canonical JSON
 * either ({@link JsonParsers#requestParses()}, {@link CanonicalJson#runs()}).
 */
class HitPathWorkTest {
    static final String PLAIN = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Count me once\"}]}";
    static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}]}";
    /** An answer without usage: the miss must count its tokens with the tokenizer. */
    static final String NO_USAGE = "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Counted by the proxy\"},"
            + "\"finish_reason\":\"stop\"}]}";
    static final int HITS = 5;

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> r.bodyText().contains("\"stream\":true")
            ? Reply.sse(OpenAiFixtures.CHAT_EVENTS) : Reply.json(200, NO_USAGE));

    @Test
    void aHitRunsNoTokenizerAndParsesNoAnswer() throws Exception {
        long runs = TokenCounter.runs();
        long parses = JsonParsers.answerParses();
        HttpResponse<byte[]> miss = fixture.postBytes(CHAT, PLAIN, "Authorization", "Bearer sk-alice");
        assertEquals("MISS", xCache(miss));
        fixture.proxy().events().awaitStored(1);
        fixture.proxy().events().awaitSettled();
        assertTrue(TokenCounter.runs() > runs, "the miss counted its tokens: the counter moves");
        assertTrue(JsonParsers.answerParses() > parses, "the miss read its answer: the counter moves");

        runs = TokenCounter.runs();
        parses = JsonParsers.answerParses();
        long requestParses = JsonParsers.requestParses();
        long canonical = CanonicalJson.runs();
        long verdicts = HeaderPolicy.keptVerdicts();
        for (int i = 0; i < HITS; i++) {
            HttpResponse<byte[]> hit = fixture.postBytes(CHAT, PLAIN, "Authorization", "Bearer sk-alice");
            assertEquals("HIT", xCache(hit));
            assertArrayEquals(miss.body(), hit.body(), "the stored answer, byte for byte");
        }
        fixture.proxy().events().awaitSettled();
        assertEquals(0, TokenCounter.runs() - runs, "tokenizer runs on " + HITS + " hits");
        assertEquals(0, JsonParsers.answerParses() - parses, "answers (or entries) parsed on " + HITS + " hits");
        assertEquals(0, JsonParsers.requestParses() - requestParses, "request bodies parsed on " + HITS + " hits");
        assertEquals(0, CanonicalJson.runs() - canonical, "canonical JSON spelled on " + HITS + " hits");
        assertEquals(0, HeaderPolicy.keptVerdicts() - verdicts, "stored header names judged again on " + HITS + " hits");

        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(1 + HITS);
        ExchangeSummary counted = ended.get(0);
        assertTrue(counted.usage().completionTokens() > 0, "the miss's tokens were counted");
        for (ExchangeSummary hit : ended.subList(1, 1 + HITS)) {
            assertEquals(CacheStatus.HIT, hit.cacheStatus());
            assertEquals(counted.usage(), hit.usage(), "a hit saves the tokens stored with its entry");
        }
    }

    @Test
    void aStreamedHitRunsNoTokenizerAndParsesNoEvent() throws Exception {
        HttpResponse<byte[]> miss = fixture.postBytes(CHAT, STREAM, "Authorization", "Bearer sk-alice");
        assertEquals("MISS", xCache(miss));
        fixture.proxy().events().awaitStored(1);
        fixture.proxy().events().awaitSettled();
        long runs = TokenCounter.runs();
        long parses = JsonParsers.answerParses();
        for (int i = 0; i < HITS; i++) {
            HttpResponse<byte[]> hit = fixture.postBytes(CHAT, STREAM, "Authorization", "Bearer sk-alice");
            assertEquals("HIT", xCache(hit));
            assertArrayEquals(miss.body(), hit.body(), "the stored events, byte for byte");
        }
        fixture.proxy().events().awaitSettled();
        assertEquals(0, TokenCounter.runs() - runs, "tokenizer runs on " + HITS + " streamed hits");
        assertEquals(0, JsonParsers.answerParses() - parses, "answers (or entries) parsed on " + HITS + " streamed hits");
        List<ExchangeSummary> ended = fixture.proxy().events().awaitExchanges(1 + HITS);
        assertEquals(9, ended.get(HITS).usage().promptTokens(), "the stream's reported usage, as stored");
    }
}
