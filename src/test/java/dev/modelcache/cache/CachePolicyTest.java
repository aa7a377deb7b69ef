package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.http.CacheStatus;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.tokens.TokenCounter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CachePolicyTest {
    private static final ModelProvider OPENAI = ProviderTable.create(Config.from(Settings.of(Map.of(
            "providers/openai/baseUrl", "https://api.openai.com"))), new TokenCounter()).defaultProvider();
    private final CachePolicy policy = new CachePolicy();

    private Decision decide(String method, String path, String... headers) {
        return policy.decide(new Exchange(method, path, null, Headers.of(headers), new byte[0]), OPENAI);
    }

    private static void assertNormal(Decision d) {
        assertTrue(d.read(), "should read the cache");
        assertTrue(d.write(), "should write the cache");
        assertEquals(CacheStatus.MISS, d.missStatus());
    }

    private static void assertBypass(Decision d) {
        assertFalse(d.read(), "should not read the cache");
        assertFalse(d.write(), "should not write the cache");
        assertEquals(CacheStatus.BYPASS, d.missStatus());
    }

    private static void assertRefresh(Decision d) {
        assertFalse(d.read(), "should not read the cache");
        assertTrue(d.write(), "should write the fresh answer");
        assertEquals(CacheStatus.REFRESH, d.missStatus());
    }

    @Test
    void getAndPostAreCached() {
        assertNormal(decide("POST", "/v1/chat/completions"));
        assertNormal(decide("GET", "/v1/models"));
        assertNormal(decide("post", "/v1/embeddings"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
    void otherMethodsBypass(String method) {
        assertBypass(decide(method, "/v1/chat/completions"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/files", "/v1/files/", "/v1/files/file-abc/content", "/v1/uploads", "/v1/uploads/u1/parts",
            "/v1/batches", "/v1/batches/b1", "/v1/fine_tuning/jobs", "/v1/fine-tunes", "/v1/assistants",
            "/v1/threads", "/v1/threads/thread_1/messages", "/v1/threads/thread_1/runs/run_1",
            "/v1/vector_stores", "/v1/vector_stores/vs_1/files", "/v1/realtime/sessions", "/v1/containers",
            "/v1/organization/usage/completions", "/v1/evals"})
    void statefulPathsOfTheProviderBypassForPostAndGet(String path) {
        assertBypass(decide("POST", path));
        assertBypass(decide("GET", path));
    }

    @Test
    void withoutAProviderNoPathIsStatefulOnlyTheMethodDecides() {
        Exchange upload = new Exchange("POST", "/v1/files", null, Headers.EMPTY, new byte[0]);
        assertNormal(policy.decide(upload));
        assertBypass(policy.decide(new Exchange("DELETE", "/v1/files/f1", null, Headers.EMPTY, new byte[0])));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/filesystem", "/v1/threadsafe", "/v1/chat/completions", "/v1/responses", "/v1/embeddings"})
    void pathsThatOnlyShareAPrefixAreCached(String path) {
        assertNormal(decide("POST", path));
    }

    @Test
    void noStoreBypasses() {
        assertBypass(decide("POST", "/v1/chat/completions", "Cache-Control", "no-store"));
        assertBypass(decide("POST", "/v1/chat/completions", "cache-control", "No-Store"));
        assertBypass(decide("POST", "/v1/chat/completions", "Cache-Control", "no-cache, no-store"));
    }

    @Test
    void noCacheRefreshes() {
        assertRefresh(decide("POST", "/v1/chat/completions", "Cache-Control", "no-cache"));
        assertRefresh(decide("POST", "/v1/chat/completions", "Pragma", "no-cache"));
        assertRefresh(decide("GET", "/v1/models", "PRAGMA", "No-Cache"));
    }

    @Test
    void directivesAreFoundInLists() {
        assertRefresh(decide("POST", "/v1/chat/completions", "Cache-Control", "max-age=0, no-cache"));
        assertRefresh(decide("POST", "/v1/chat/completions", "Cache-Control", "max-age=0,no-cache ,private"));
        assertRefresh(decide("POST", "/v1/chat/completions", "Cache-Control", "no-cache=\"set-cookie\""));
        assertBypass(decide("POST", "/v1/chat/completions", "Cache-Control", "max-age=0 , no-store"));
    }

    @Test
    void otherDirectivesAndLookalikesAreIgnored() {
        assertNormal(decide("POST", "/v1/chat/completions", "Cache-Control", "max-age=0"));
        assertNormal(decide("POST", "/v1/chat/completions", "Cache-Control", "no-cachex, x-no-store"));
        assertNormal(decide("POST", "/v1/chat/completions", "Pragma", "no-store"));
        assertNormal(decide("POST", "/v1/chat/completions", "X-Cache-Control", "no-store"));
    }

    @Test
    void noStoreWinsOverPragmaNoCache() {
        assertBypass(decide("POST", "/v1/chat/completions", "Cache-Control", "no-store", "Pragma", "no-cache"));
    }

    @Test
    void statefulPathBypassesEvenWithNoCache() {
        assertBypass(decide("POST", "/v1/files", "Cache-Control", "no-cache"));
    }

    @Test
    void coalescingIsOnByDefaultAndCanBeSwitchedOffPerRequest() {
        assertTrue(decide("POST", "/v1/chat/completions").coalesce());
        Decision alone = decide("POST", "/v1/chat/completions", "X-Cache-Coalesce", "off");
        assertFalse(alone.coalesce(), "X-Cache-Coalesce: off calls the provider itself");
        assertTrue(alone.read() && alone.write(), "and still reads and writes the cache");
        assertFalse(decide("POST", "/v1/chat/completions", "Cache-Control", "no-cache", "X-Cache-Coalesce", "OFF").coalesce());
        assertTrue(decide("POST", "/v1/chat/completions", "X-Cache-Coalesce", "on").coalesce());
    }

    @Test
    void directiveInASecondCacheControlFieldCounts() {
        assertBypass(decide("POST", "/v1/chat/completions", "Cache-Control", "max-age=0", "Cache-Control", "no-store"));
        assertRefresh(decide("POST", "/v1/chat/completions", "Cache-Control", "private", "Cache-Control", "no-cache"));
    }

    @Test
    void conversationsApiBypasses() {
        assertBypass(decide("POST", "/v1/conversations"));
        assertBypass(decide("POST", "/v1/conversations/conv_1/items"));
    }

    @Test
    void retrievingAStoredResponseBypasses() {
        assertBypass(decide("GET", "/v1/responses/resp_123"));
    }

    private static Decision decide(CachePolicy policy, String body, String... headers) {
        return policy.decide(new Exchange("POST", "/v1/chat/completions", null, Headers.of(headers),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static CachePolicy in(CacheMode mode) {
        return new CachePolicy(() -> mode, false, false);
    }

    @Test
    void recordModeStoresWithoutReadingAndPassthroughDoesNeither() {
        assertRefresh(decide(in(CacheMode.RECORD), "{}"));
        assertBypass(decide(in(CacheMode.PASSTHROUGH), "{}"));
        assertTrue(decide(in(CacheMode.PASSTHROUGH), "{}").upstream());
    }

    @Test
    void replayModeReadsAndNeverCallsTheProvider() {
        Decision d = decide(in(CacheMode.REPLAY), "{}");
        assertTrue(d.read());
        assertFalse(d.write());
        assertFalse(d.upstream());
        assertFalse(decide(in(CacheMode.REPLAY), "{}", "Cache-Control", "no-cache").upstream(), "not even to refresh");
        assertFalse(in(CacheMode.REPLAY).decide(new Exchange("POST", "/v1/files", null, Headers.of(), new byte[0])).upstream(),
                "not even for a path the cache does not keep");
    }

    @Test
    void theRequestsModeHeaderWinsOverTheProxysMode() {
        assertRefresh(decide(in(CacheMode.READTHROUGH), "{}", "X-Cache-Mode", "Record"));
        assertEquals(CacheMode.REPLAY, decide(in(CacheMode.RECORD), "{}", "X-Cache-Mode", "replay").mode());
        ProxyError bad = assertThrows(ProxyError.class, () -> decide(in(CacheMode.READTHROUGH), "{}", "X-Cache-Mode", "maybe"));
        assertEquals(400, bad.status());
        assertEquals("invalid_cache_mode", bad.code());
    }

    @Test
    void theModeIsReadForEveryRequestSoItCanChangeAtRuntime() {
        java.util.concurrent.atomic.AtomicReference<CacheMode> mode = new java.util.concurrent.atomic.AtomicReference<>(CacheMode.READTHROUGH);
        CachePolicy policy = new CachePolicy(mode::get, false, false);
        assertTrue(decide(policy, "{}").upstream());
        mode.set(CacheMode.REPLAY);
        assertFalse(decide(policy, "{}").upstream());
    }

    @Test
    void onlyIfCachedReadsWithoutAnUpstreamCallAndMaxAgeBoundsTheEntrysAge() {
        Decision d = decide(in(CacheMode.READTHROUGH), "{}", "Cache-Control", "only-if-cached");
        assertTrue(d.read());
        assertFalse(d.upstream());
        Decision young = decide(in(CacheMode.READTHROUGH), "{}", "Cache-Control", "max-age=60");
        assertTrue(young.fresh(1_000_000, 1_000_000 + 60_000));
        assertFalse(young.fresh(1_000_000, 1_000_000 + 60_001));
        assertTrue(decide(in(CacheMode.READTHROUGH), "{}").fresh(0, Long.MAX_VALUE), "no max-age: any age");
        assertEquals(400, assertThrows(ProxyError.class,
                () -> decide(in(CacheMode.READTHROUGH), "{}", "Cache-Control", "max-age=-1")).status());
    }

    @Test
    void ttlNamespaceAndSequenceComeFromTheirHeaders() {
        Decision d = decide(in(CacheMode.READTHROUGH), "{}", "X-Cache-TTL", "90", "X-Cache-Namespace", "suite.a_1",
                "X-Cache-Sequence", "on");
        assertEquals(java.time.Duration.ofSeconds(90), d.ttl());
        assertEquals("suite.a_1", d.namespace());
        assertTrue(d.sequence());
        assertFalse(d.coalesce(), "a sequenced request is never coalesced");
        assertEquals("", decide(in(CacheMode.READTHROUGH), "{}").namespace());
        assertEquals(400, assertThrows(ProxyError.class,
                () -> decide(in(CacheMode.READTHROUGH), "{}", "X-Cache-Namespace", "a/b")).status());
        assertEquals(400, assertThrows(ProxyError.class,
                () -> decide(in(CacheMode.READTHROUGH), "{}", "X-Cache-TTL", "ten")).status());
        assertTrue(decide(new CachePolicy(() -> CacheMode.READTHROUGH, false, true), "{}").sequence());
        assertFalse(decide(new CachePolicy(() -> CacheMode.READTHROUGH, false, true), "{}", "X-Cache-Sequence", "off").sequence());
    }

    @Test
    void theDeterministicPolicyKeepsOnlyTemperatureZeroOrASeed() {
        CachePolicy deterministic = new CachePolicy(() -> CacheMode.READTHROUGH, true, false);
        assertBypass(decide(deterministic, "{\"temperature\":0.7}"));
        assertBypass(decide(deterministic, "{\"messages\":[]}"));
        assertNormal(decide(deterministic, "{\"temperature\":0}"));
        assertNormal(decide(deterministic, "{\"temperature\":0.0}"));
        assertNormal(decide(deterministic, "{\"temperature\":1,\"seed\":7}"));
        assertNormal(deterministic.decide(new Exchange("GET", "/v1/models", null, Headers.of(), new byte[0])));
    }
}
