package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestClock;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cache modes, the request controls and the key rules, over HTTP against a fake provider. */
class ReplayModesIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ASK = "{\"model\":\"gpt-4o-mini\",\"temperature\":0.7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** The proxy's time: a test moves it past a lifetime or a max-age instead of sleeping. */
    final TestClock clock = new TestClock();
    final AtomicInteger answers = new AtomicInteger();
    /** A proxy whose provider answers "answer 1", "answer 2", ... in turn. */
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().clock(clock).handler(r -> Reply.json(200,
            "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"answer "
                    + answers.incrementAndGet() + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}"));
    FakeUpstream upstream;
    TestProxy proxy;

    void start(String... settings) throws Exception {
        fixture.with(settings);
        upstream = fixture.upstream();
        proxy = fixture.proxy();
    }

    HttpResponse<String> ask(String body, String... headers) throws Exception {
        HttpResponse<String> response = proxy.post(CHAT, body, headers);
        proxy.settledStats();
        return response;
    }

    static String content(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("choices").path(0).path("message").path("content").asText();
    }

    @Test
    void recordModeAlwaysCallsTheProviderAndReplacesTheStoredAnswer() throws Exception {
        start("cache/mode", "record");
        assertEquals("REFRESH", ask(ASK).headers().firstValue("X-Cache").orElseThrow());
        assertEquals("answer 2", content(ask(ASK)));
        assertEquals(2, upstream.calls());
        HttpResponse<String> hit = ask(ASK, "X-Cache-Mode", "readthrough");
        assertEquals("HIT", hit.headers().firstValue("X-Cache").orElseThrow());
        assertEquals("answer 2", content(hit), "the second recording replaced the first");
    }

    @Test
    void replayModeAnswersHitsAndRefusesAMissWith504NamingTheDifferingPath() throws Exception {
        start();
        ask(ASK);
        proxy.app().mode().set(dev.modelcache.cache.CacheMode.REPLAY);
        assertEquals("HIT", ask(ASK).headers().firstValue("X-Cache").orElseThrow());

        HttpResponse<String> miss = ask(ASK.replace("0.7", "0.2"));
        assertEquals(504, miss.statusCode());
        JsonNode error = JSON.readTree(miss.body()).path("error");
        assertEquals("cache_miss", error.path("code").asText());
        assertEquals(miss.headers().firstValue("X-Cache-Key").orElseThrow(), error.path("key").asText());
        assertTrue(error.path("explanation").toString().contains("/temperature"), miss.body());
        assertTrue(miss.headers().firstValue("X-Cache-Miss-Reason").orElseThrow().contains("/temperature"));
        assertEquals(1, upstream.calls(), "nothing left the machine in replay mode");
    }

    @Test
    void replayModeNeverCallsTheProviderEvenForPathsTheCacheDoesNotKeep() throws Exception {
        start("cache/mode", "replay");
        HttpResponse<String> upload = proxy.post("/v1/files", "{\"purpose\":\"batch\"}");
        assertEquals(504, upload.statusCode());
        assertEquals("cache_miss", JSON.readTree(upload.body()).path("error").path("code").asText());
        assertEquals(0, upstream.calls());
    }

    @Test
    void passthroughNeitherReadsNorStores() throws Exception {
        start("cache/mode", "passthrough");
        assertEquals("BYPASS", ask(ASK).headers().firstValue("X-Cache").orElseThrow());
        assertEquals("BYPASS", ask(ASK).headers().firstValue("X-Cache").orElseThrow());
        assertEquals(2, upstream.calls());
        assertEquals(0, proxy.app().store().stats().entries());
    }

    @Test
    void theModeOfOneRequestComesFromXCacheModeAndABadOneIsRefused() throws Exception {
        start();
        ask(ASK);
        assertEquals("BYPASS", ask(ASK, "X-Cache-Mode", "passthrough").headers().firstValue("X-Cache").orElseThrow());
        assertEquals(504, ask(ASK.replace("hi", "ho"), "X-Cache-Mode", "replay").statusCode());
        HttpResponse<String> bad = ask(ASK, "X-Cache-Mode", "sometimes");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("X-Cache-Mode"), bad.body());
    }

    @Test
    void theGlobalModeChangesAtRuntimeThroughTheAdminEndpointBehindTheToken() throws Exception {
        start("admin/token", "admin-secret-1");
        HttpRequest.Builder put = HttpRequest.newBuilder(proxy.uri("/_cache/mode"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"replay\"}"));
        assertEquals(401, proxy.client().send(put.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> changed = proxy.client().send(put.header("Authorization", "Bearer admin-secret-1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals("replay", JSON.readTree(changed.body()).path("mode").asText());
        assertEquals("readthrough", JSON.readTree(changed.body()).path("previous").asText());
        assertEquals(504, ask(ASK).statusCode());
        assertEquals("replay", JSON.readTree(proxy.get("/_cache/mode", "Authorization", "Bearer admin-secret-1").body())
                .path("mode").asText());
        assertEquals(0, upstream.calls());
    }

    @Test
    void onlyIfCachedAnswersFromTheCacheOrWith504AndTheControlsNeverReachTheProvider() throws Exception {
        start();
        assertEquals(504, ask(ASK, "Cache-Control", "only-if-cached").statusCode());
        assertEquals(0, upstream.calls());
        ask(ASK, "Cache-Control", "no-cache", "X-Cache-TTL", "600", "Pragma", "no-cache");
        assertEquals("HIT", ask(ASK, "Cache-Control", "only-if-cached").headers().firstValue("X-Cache").orElseThrow());
        FakeUpstream.Request sent = upstream.requests().get(0);
        assertNull(sent.header("Cache-Control"));
        assertNull(sent.header("Pragma"));
        assertNull(sent.header("X-Cache-TTL"));
    }

    @Test
    void maxAgeUsesAnEntryOnlyWhenItIsYoungEnoughElseFetchesAndReplacesIt() throws Exception {
        start();
        ask(ASK);
        assertEquals("HIT", ask(ASK, "Cache-Control", "max-age=3600").headers().firstValue("X-Cache").orElseThrow());
        clock.advance(Duration.ofMillis(999));
        assertEquals("HIT", ask(ASK, "Cache-Control", "max-age=1").headers().firstValue("X-Cache").orElseThrow(),
                "not a second old yet");
        clock.advance(Duration.ofMillis(2));
        HttpResponse<String> stale = ask(ASK, "Cache-Control", "max-age=1");
        assertEquals("MISS", stale.headers().firstValue("X-Cache").orElseThrow());
        assertEquals("answer 2", content(stale));
        assertEquals("answer 2", content(ask(ASK)), "the fresh answer replaced the old one");
        assertEquals(400, ask(ASK, "Cache-Control", "max-age=soon").statusCode());
    }

    @Test
    void xCacheTtlGivesTheStoredEntryItsOwnLifetime() throws Exception {
        start();
        ask(ASK, "X-Cache-TTL", "1");
        ask(ASK.replace("hi", "ho"));
        clock.advance(Duration.ofMillis(999));
        assertEquals("HIT", ask(ASK).headers().firstValue("X-Cache").orElseThrow(), "its own second is not over");
        clock.advance(Duration.ofMillis(1));
        assertEquals("MISS", ask(ASK).headers().firstValue("X-Cache").orElseThrow(), "expired after its own 1 s");
        HttpResponse<String> other = ask(ASK.replace("hi", "ho"));
        assertEquals("HIT", other.headers().firstValue("X-Cache").orElseThrow());
        assertEquals("1", other.headers().firstValue("Age").orElseThrow(), "a second old on the proxy's clock");
        assertEquals(400, ask(ASK, "X-Cache-TTL", "-5").statusCode());
    }

    @Test
    void namespacesPartitionTheKeyAndABadNameIsRefused() throws Exception {
        start();
        HttpResponse<String> a = ask(ASK, "X-Cache-Namespace", "suite-a");
        HttpResponse<String> b = ask(ASK, "X-Cache-Namespace", "suite-b");
        assertEquals(2, upstream.calls());
        assertNotEquals(a.headers().firstValue("X-Cache-Key"), b.headers().firstValue("X-Cache-Key"));
        assertEquals("answer 1", content(ask(ASK, "X-Cache-Namespace", "suite-a")));
        assertEquals("answer 2", content(ask(ASK, "X-Cache-Namespace", "suite-b")));
        assertEquals(400, ask(ASK, "X-Cache-Namespace", "../etc").statusCode());
        JsonNode listed = JSON.readTree(proxy.get("/_cache/entries?namespace=suite-a").body());
        assertEquals(1, listed.path("count").asInt(), listed.toString());
        assertEquals("suite-a", listed.path("entries").path(0).path("namespace").asText());
    }

    @Test
    void everyResponseCarriesTheShortKeyIdOfItsRequest() throws Exception {
        start();
        String miss = ask(ASK).headers().firstValue("X-Cache-Key").orElseThrow();
        String hit = ask(ASK).headers().firstValue("X-Cache-Key").orElseThrow();
        String bypass = ask(ASK, "Cache-Control", "no-store").headers().firstValue("X-Cache-Key").orElseThrow();
        assertTrue(miss.matches("[0-9a-f]{12}"), miss);
        assertEquals(miss, hit);
        assertEquals(miss, bypass);
    }

    @Test
    void theUserAndMetadataFieldsDoNotChangeTheKeyButStreamOptionsDo() throws Exception {
        start();
        ask("{\"model\":\"gpt-4o-mini\",\"user\":\"alice\",\"metadata\":{\"run\":\"1\"},\"messages\":[]}");
        assertEquals("HIT", ask("{\"model\":\"gpt-4o-mini\",\"user\":\"bob\",\"metadata\":{\"run\":\"2\"},\"messages\":[]}")
                .headers().firstValue("X-Cache").orElseThrow());
        assertEquals("MISS", ask("{\"model\":\"gpt-4o-mini\",\"user\":\"bob\",\"stream_options\":{\"include_usage\":true},\"messages\":[]}")
                .headers().firstValue("X-Cache").orElseThrow());
    }

    @Test
    void ignoredFieldsAreConfiguredAsJsonPointers() throws Exception {
        start("cache/ignoreFields", "/messages/0/name");
        ask("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"name\":\"a\",\"content\":\"x\"}]}");
        assertEquals("HIT", ask("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"name\":\"b\",\"content\":\"x\"}]}")
                .headers().firstValue("X-Cache").orElseThrow());
        assertEquals("MISS", ask("{\"model\":\"gpt-4o-mini\",\"user\":\"z\",\"messages\":[{\"role\":\"user\",\"name\":\"b\",\"content\":\"x\"}]}")
                .headers().firstValue("X-Cache").orElseThrow(), "/user counts again once the list is replaced");
    }

    @Test
    void theDeterministicPolicyCachesOnlyTemperatureZeroOrASeed() throws Exception {
        start("cache/policy", "deterministic");
        assertEquals("BYPASS", ask(ASK).headers().firstValue("X-Cache").orElseThrow());
        assertEquals("BYPASS", ask(ASK).headers().firstValue("X-Cache").orElseThrow());
        String zero = ASK.replace("0.7", "0");
        ask(zero);
        assertEquals("HIT", ask(zero).headers().firstValue("X-Cache").orElseThrow());
        String seeded = ASK.replace("\"temperature\":0.7", "\"temperature\":0.7,\"seed\":42");
        ask(seeded);
        assertEquals("HIT", ask(seeded).headers().firstValue("X-Cache").orElseThrow());
    }

    @Test
    void callersAreIsolatedByCredentialUnlessTheCacheIsShared() throws Exception {
        start();
        ask(ASK, "Authorization", "Bearer sk-one");
        assertEquals("MISS", ask(ASK, "Authorization", "Bearer sk-two").headers().firstValue("X-Cache").orElseThrow());
        fixture.stop();
        proxy = fixture.another(fixture.folder().resolve("shared"), "cache/shared", "true");
        ask(ASK, "Authorization", "Bearer sk-one");
        assertEquals("HIT", ask(ASK, "Authorization", "Bearer sk-two").headers().firstValue("X-Cache").orElseThrow());
        assertEquals("HIT", ask(ASK).headers().firstValue("X-Cache").orElseThrow(), "and with no key at all");
    }

    @Test
    void aSequenceReplaysTheNthRecordedAnswerForTheNthIdenticalRequestThenRepeatsTheLast() throws Exception {
        start("cache/sequences", "true");
        assertEquals("answer 1", content(ask(ASK)));
        assertEquals("answer 2", content(ask(ASK)));
        assertEquals("answer 3", content(ask(ASK)));
        proxy.app().mode().set(dev.modelcache.cache.CacheMode.REPLAY);
        proxy.post("/_cache/sequences/reset", "");
        assertEquals("answer 1", content(ask(ASK)));
        assertEquals("answer 2", content(ask(ASK)));
        assertEquals("answer 3", content(ask(ASK)));
        assertEquals("answer 3", content(ask(ASK)), "past the end: the last recorded answer again");
        assertEquals(3, upstream.calls());
    }

    @Test
    void aSequenceThatRunsOutIsA504WhenConfiguredToFail() throws Exception {
        start("cache/sequences", "true", "cache/sequenceEnd", "fail");
        ask(ASK);
        ask(ASK);
        proxy.app().mode().set(dev.modelcache.cache.CacheMode.REPLAY);
        proxy.post("/_cache/sequences/reset", "");
        assertEquals("answer 1", content(ask(ASK)));
        assertEquals("answer 2", content(ask(ASK)));
        assertEquals(504, ask(ASK).statusCode());
    }

    @Test
    void theReportListsTheMissesWithTheirExplanationsAndTheEntriesNeverUsed() throws Exception {
        start();
        ask(ASK);
        ask(ASK.replace("hi", "unused one"));
        proxy.post("/_cache/report/reset", "");
        ask(ASK, "X-Cache-Mode", "replay");
        ask(ASK.replace("0.7", "0.3"), "X-Cache-Mode", "replay");
        JsonNode report = JSON.readTree(proxy.get("/_cache/report").body());
        assertEquals(1, report.path("missCount").asInt(), report.toString());
        assertTrue(report.path("misses").path(0).path("explanation").toString().contains("/temperature"), report.toString());
        assertEquals(1, report.path("unused").size(), report.toString());
        assertEquals(1, report.path("usedCount").asInt());
    }

    @Test
    void explainSaysWhyARequestWouldMissWithoutCallingTheProvider() throws Exception {
        start();
        ask(ASK);
        String wrapper = "{\"method\":\"POST\",\"path\":\"" + CHAT + "\",\"body\":" + ASK.replace("0.7", "1.2") + "}";
        JsonNode answer = JSON.readTree(proxy.post("/_cache/explain", wrapper).body());
        assertFalse(answer.path("hit").asBoolean(), answer.toString());
        assertTrue(answer.path("explanation").toString().contains("/temperature"), answer.toString());
        JsonNode direct = JSON.readTree(proxy.post("/_cache/explain" + CHAT, ASK).body());
        assertTrue(direct.path("hit").asBoolean(), direct.toString());
        assertEquals(1, upstream.calls());
    }

    @Test
    void anOrdinaryMissSaysWhyInItsHeader() throws Exception {
        start();
        ask(ASK);
        HttpResponse<String> miss = ask(ASK.replace("0.7", "0.1"));
        assertEquals("MISS", miss.headers().firstValue("X-Cache").orElseThrow());
        assertTrue(miss.headers().firstValue("X-Cache-Miss-Reason").orElseThrow().contains("/temperature"),
                miss.headers().map().toString());
        assertTrue(ask(ASK).headers().firstValue("X-Cache-Miss-Reason").isEmpty(), "a hit has no miss reason");
    }
}
