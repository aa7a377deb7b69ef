package dev.modelcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CacheMode;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.CanonicalJson;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.replay.ReplayReport;
import dev.modelcache.replay.Sequences;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.support.TestProxy;
import dev.modelcache.tokens.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan remembered by the request's exact bytes ({@link PlanMemo}): a repeat parses no JSON and spells no canonical
 * JSON, and requests that differ in one body byte, one header or the caller never share a plan, while what is
 * stateful (the mode, a sequence's step) is still decided per request.
 */
class StoredAnswersMemoTest {
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @TempDir
    Path dir;

    private final AtomicReference<CacheMode> mode = new AtomicReference<>(CacheMode.READTHROUGH);

    private StoredAnswers answers(boolean sequences) {
        ResponseStore store = mock(ResponseStore.class);
        when(store.get(any())).thenReturn(Optional.empty());
        Config config = Config.from(Settings.of(TestProxy.settings("http://127.0.0.1:9/", dir)));
        CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
        return new StoredAnswers(ProviderTable.create(config, new TokenCounter()),
                new CachePolicy(mode::get, false, sequences), keys, store, new Sequences(),
                new Misses(new MissExplainer(store, keys), new ReplayReport()), true);
    }

    private static Exchange exchange(String body, String... headers) {
        List<String> fields = new ArrayList<>(List.of("Content-Type", "application/json", "Authorization", "Bearer sk-alice"));
        fields.addAll(List.of(headers));
        return new Exchange("POST", "/v1/chat/completions", null, Headers.of(fields.toArray(String[]::new)),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static StoredAnswers.Plan plan(StoredAnswers answers, Exchange exchange) {
        List<String> routed = new ArrayList<>();
        StoredAnswers.Plan plan = answers.plan(exchange, (provider, model) -> routed.add(provider.name() + "/" + model));
        assertEquals(List.of("openai/gpt-4o-mini"), routed, "the pipeline learns the provider and model, remembered or not");
        return plan;
    }

    @Test
    void aRepeatedRequestParsesNoJsonAndSpellsNoCanonicalJson() {
        StoredAnswers answers = answers(false);
        StoredAnswers.Plan first = plan(answers, exchange(BODY));
        long parses = JsonParsers.requestParses();
        long canonical = CanonicalJson.runs();
        for (int i = 0; i < 5; i++) {
            StoredAnswers.Plan again = plan(answers, exchange(BODY));
            assertEquals(first.key(), again.key());
            assertEquals(first.request(), again.request());
            assertEquals(first.decision(), again.decision());
        }
        assertEquals(0, JsonParsers.requestParses() - parses, "request bodies parsed on 5 repeats");
        assertEquals(0, CanonicalJson.runs() - canonical, "canonical JSON spelled on 5 repeats");
    }

    @Test
    void requestsThatDifferInOneBodyByteNeverShareAPlan() {
        StoredAnswers answers = answers(false);
        StoredAnswers.Plan hi = plan(answers, exchange(BODY));
        StoredAnswers.Plan ho = plan(answers, exchange(BODY.replace("\"Hi\"", "\"Ho\"")));
        assertNotEquals(hi.key(), ho.key());
        assertEquals("Ho", ho.request().body().at("/messages/0/content").asText());
        // One byte more that does not change the JSON: planned on its own, to the same key.
        StoredAnswers.Plan spaced = plan(answers, exchange(BODY.replace(",\"temperature\"", ", \"temperature\"")));
        assertEquals(hi.key(), spaced.key());
    }

    @Test
    void requestsThatDifferInAHeaderThatMattersOrTheCallerNeverShareAPlan() {
        StoredAnswers answers = answers(false);
        StoredAnswers.Plan alice = plan(answers, exchange(BODY));
        StoredAnswers.Plan bob = plan(answers, new Exchange("POST", "/v1/chat/completions", null,
                Headers.of("Content-Type", "application/json", "Authorization", "Bearer sk-bob"),
                BODY.getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(alice.request().partition(), bob.request().partition(), "the credential's partition");
        assertNotEquals(alice.key(), bob.key());

        StoredAnswers.Plan named = plan(answers, exchange(BODY, "X-Cache-Namespace", "suite-a"));
        assertEquals("suite-a", named.request().namespace());
        assertNotEquals(alice.key(), named.key());
        StoredAnswers.Plan other = plan(answers, exchange(BODY, "X-Cache-Namespace", "suite-b"));
        assertEquals("suite-b", other.request().namespace());
        assertNotEquals(named.key(), other.key());

        Exchange carol = exchange(BODY).authenticated("carol", Headers.of("Content-Type", "application/json"), null);
        Exchange dave = exchange(BODY).authenticated("dave", Headers.of("Content-Type", "application/json"), null);
        StoredAnswers.Plan carols = plan(answers, carol);
        StoredAnswers.Plan daves = plan(answers, dave);
        assertNotEquals(carols.request().partition(), daves.request().partition(), "the proxy key's caller");
        assertNotEquals(carols.key(), daves.key());
        assertEquals(carols.key(), plan(answers, carol).key());
    }

    @Test
    void theModeAndTheControlsAreStillDecidedPerRequest() {
        StoredAnswers answers = answers(false);
        assertTrue(plan(answers, exchange(BODY)).decision().read());
        mode.set(CacheMode.PASSTHROUGH);
        assertTrue(plan(answers, exchange(BODY)).decision().bypass(), "the mode switched between two identical requests");
        mode.set(CacheMode.READTHROUGH);
        StoredAnswers.Plan noCache = plan(answers, exchange(BODY, "Cache-Control", "no-cache"));
        assertEquals(false, noCache.decision().read());
        assertEquals(plan(answers, exchange(BODY)).key(), noCache.key(), "Cache-Control is not part of the key");
    }

    @Test
    void aStatefulPathIsPassedThroughEveryTime() {
        StoredAnswers answers = answers(false);
        for (int i = 0; i < 3; i++) {
            Exchange upload = new Exchange("POST", "/v1/files", null, Headers.of("Content-Type", "application/json",
                    "Authorization", "Bearer sk-alice"), BODY.getBytes(StandardCharsets.UTF_8));
            assertTrue(answers.plan(upload, (provider, model) -> { }).decision().bypass(), "request " + (i + 1));
        }
    }

    @Test
    void aSequenceStillMovesOnAtEachRepeatAndKeysItsStepsWithoutCanonicalJson() {
        StoredAnswers answers = answers(true);
        StoredAnswers.Plan one = plan(answers, exchange(BODY));
        long canonical = CanonicalJson.runs();
        StoredAnswers.Plan two = plan(answers, exchange(BODY));
        StoredAnswers.Plan three = plan(answers, exchange(BODY));
        assertEquals(1, one.request().sequence());
        assertEquals(2, two.request().sequence());
        assertEquals(3, three.request().sequence());
        assertNotEquals(one.key(), two.key());
        assertNotEquals(two.key(), three.key());
        CacheKeyFactory keys = new CacheKeyFactory(new byte[32]);
        assertEquals(keys.create(two.request()), two.key(), "a step's key is the key of its record");
        assertEquals(0, CanonicalJson.runs() - canonical - 1, "only the check above spelled canonical JSON");
        assertEquals(4, answers.explain(exchange(BODY)).request().sequence(), "explain peeks at the next step");
    }
}
