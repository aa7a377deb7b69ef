package dev.modelcache.cluster;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.flight.FleetLeases;
import dev.modelcache.flight.LeaseStore;
import dev.modelcache.store.cluster.ClusteredTier;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 20, item 6: two proxies (the real servlet in embedded Tomcat, each with its own cache folder, one salt)
 * share the clustered tier of a real stripe of two Terracotta servers on loopback, run from the kit Maven unpacks.
 * An answer paid for on A is a hit on B, plain and streamed, byte for byte; ten identical requests at once over A and
 * B make one upstream call, and a dead holder's lease is taken over (issue 20, item 2); a per-key cap set on both holds
 * for the pair (item 3), and a sequence played over A and B gets its answers in order; killing the active server (kill -9)
 * loses no entry, the passive takes over; restarting either proxy keeps serving; the whole stripe gone never stops
 * either proxy, and they share again once it is back (issue 20, item 4). The tests run in order: each leaves the
 * stripe as the next expects it. Everything is stopped in {@link #stopAll()}, and the stripe's
 * servers by a shutdown hook too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterStripeIT {
    private static final String SALT = "0123456789abcdef0123456789abcdef";
    private static final String AUTH = "Bearer sk-cluster-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STRIPE_START = Duration.ofSeconds(120);
    /** A prompt with this in it is answered after 500 ms, so that the requests for it overlap. */
    private static final String SLOW = "(slow)";
    /** Priced at 10,000 USD per million output tokens, input free: the fake's answer (3 output tokens) costs 0.03 USD. */
    private static final String PRICED_MODEL = "gpt-fleet-budget-test";
    /** Each proxy's per-key daily cap: three calls of {@link #PRICED_MODEL} for the pair, not six. */
    private static final String PER_KEY_CAP_USD = "0.09";
    private static final String BUDGET_AUTH = "Bearer sk-budget-test";
    private static final Function<FakeUpstream.Request, Reply> ANSWERS = request ->
            request.bodyText().contains("\"stream\":true") ? Reply.sse(CHAT_EVENTS)
                    : request.bodyText().contains(SLOW) ? Reply.json(200, CHAT_ANSWER).delayHeaders(500)
                    : Reply.json(200, CHAT_ANSWER);

    private static Path work;
    private static TerracottaStripe stripe;
    private static FakeUpstream upstream;
    private static TestProxy a;
    private static TestProxy b;

    @BeforeAll
    static void startAll() throws Exception {
        Path base = Path.of(System.getProperty("modelcache.it.workDir", "target/it"));
        work = Files.createDirectories(base).resolve("cluster-" + ProcessHandle.current().pid());
        stripe = new TerracottaStripe(Path.of(System.getProperty("modelcache.it.terracottaKit",
                "target/it-terracotta/ehcache-clustered-3.11.1-kit")), work.resolve("stripe"));
        stripe.start(STRIPE_START);
        upstream = FakeUpstream.start().handler(ANSWERS);
        Files.writeString(work.resolve("prices.json"), "{\"checked\":\"2026-12-07\",\"prices\":{\"" + PRICED_MODEL
                + "\":{\"input\":0,\"output\":10000}}}");
        a = proxy("a");
        b = proxy("b");
    }

    private static TestProxy proxy(String name) throws Exception {
        Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), work.resolve("proxy-" + name));
        settings.put("cache/clusterUri", stripe.uri("modelcache").toString());
        settings.put("cache/clusterMB", "16");
        settings.put("cache/keySalt", SALT);
        settings.put("prices/file", work.resolve("prices.json").toString());
        settings.put("budget/perKeyDailyUsd", PER_KEY_CAP_USD);
        return TestProxy.start(settings);
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            for (TestProxy proxy : new TestProxy[] {a, b}) {
                if (proxy != null) {
                    proxy.close();
                }
            }
            if (upstream != null) {
                upstream.close();
            }
        } finally {
            if (stripe != null) {
                stripe.close();
            }
        }
    }

    private static String chat(String prompt, boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
    }

    private static HttpResponse<String> ask(TestProxy proxy, String body) throws Exception {
        HttpResponse<String> answer = proxy.post(TestProxy.CHAT, body, "Authorization", AUTH);
        assertEquals(200, answer.statusCode(), answer.body());
        return answer;
    }

    /**
     * Asks {@code proxy} for an answer it does not have, and waits until it has stored it (the store runs after
     * the client has its answer): then every other instance can find it.
     */
    private static HttpResponse<String> miss(TestProxy proxy, String body) throws Exception {
        int stored = proxy.events().awaitStored(0).size();
        HttpResponse<String> answer = ask(proxy, body);
        assertEquals("MISS", cache(answer));
        proxy.events().awaitStored(stored + 1);
        return answer;
    }

    private static String cache(HttpResponse<String> answer) {
        return answer.headers().firstValue("X-Cache").orElse("none");
    }

    @Test
    @Order(1)
    void aPlainAnswerMissedOnAIsAHitOnBByteForByte() throws Exception {
        int calls = upstream.calls();
        HttpResponse<String> missed = miss(a, chat("plain across the fleet", false));
        HttpResponse<String> hit = ask(b, chat("plain across the fleet", false));
        assertEquals("HIT", cache(hit), "B serves what A stored, from the cluster");
        assertEquals(missed.body(), hit.body());
        assertEquals(calls + 1, upstream.calls(), "the provider is paid once for the pair");
    }

    @Test
    @Order(2)
    void aStreamMissedOnAIsAHitOnBEventForEvent() throws Exception {
        int calls = upstream.calls();
        HttpResponse<String> missed = miss(a, chat("streamed across the fleet", true));
        assertEquals(String.join("", CHAT_EVENTS), missed.body());
        HttpResponse<String> hit = ask(b, chat("streamed across the fleet", true));
        assertEquals("HIT", cache(hit));
        assertEquals(missed.body(), hit.body(), "the replayed stream is the live one, event for event");
        assertEquals(calls + 1, upstream.calls());
    }

    /**
     * Issue 20, item 2: ten identical requests at once, spread over A and B, while the provider takes 500 ms: the
     * instance whose leader takes the fleet's lease calls; the other's leader waits for the stored answer and
     * replays it, and each instance's other requests follow their own leader. One call, ten identical answers.
     */
    @Test
    @Order(3)
    void tenConcurrentIdenticalRequestsOverAAndBMakeOneUpstreamCall() throws Exception {
        String body = chat("ten at once " + SLOW, false);
        int calls = upstream.calls();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                TestProxy proxy = i % 2 == 0 ? a : b;
                answers.add(pool.submit(() -> {
                    go.await();
                    return ask(proxy, body);
                }));
            }
            go.countDown();
            List<String> labels = new ArrayList<>();
            String first = null;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                labels.add(cache(response));
                first = first == null ? response.body() : first;
                assertEquals(first, response.body(), "every request has the one answer");
            }
            assertEquals(calls + 1, upstream.calls(), "one upstream call for the fleet: " + labels);
            assertEquals(1, labels.stream().filter("MISS"::equals).count(), labels.toString());
            assertEquals(9, labels.stream().filter("HIT"::equals).count(), labels.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Issue 20, item 2: a lease whose holder died (planted here: an instance that never renews nor releases it) is
     * taken over once it has expired on the taker's clock plus the margin, and the taker calls the provider itself;
     * it gives the lease back once its answer is stored.
     */
    @Test
    @Order(4)
    void aDeadHoldersLeaseIsTakenOverAndTheFollowerCallsItself() throws Exception {
        String body = chat("held by a dead instance", false);
        int stored = a.events().awaitStored(0).size();
        miss(a, body);
        String key = a.events().awaitStored(stored + 1).get(stored).keyId();
        assertTrue(a.app().store().remove(new CacheKey(key)), "the entry is forgotten: the key is a miss again");
        try (ClusteredTier fleet = new ClusteredTier(stripe.uri("modelcache"), 16, 1024, 0, Duration.ofDays(1),
                Clock.systemUTC())) {
            LeaseStore leases = fleet.leases();
            long planted = System.currentTimeMillis();
            assertNull(leases.putIfAbsent(key, "a-dead-instance:" + (planted + 500)));
            int calls = upstream.calls();
            HttpResponse<String> taken = ask(b, body);
            assertEquals("MISS", cache(taken), "B took the lease over and called the provider itself");
            assertEquals(calls + 1, upstream.calls());
            assertTrue(System.currentTimeMillis() - planted >= 500 + FleetLeases.MARGIN.toMillis(),
                    "B waited for the dead lease to expire first");
            b.events().awaitStored(1);
            awaitLeaseGone(leases, key);
            assertEquals("HIT", cache(ask(a, body)), "what B stored is A's hit");
        }
    }

    /** Waits (bounded) until {@code key}'s lease is released: the holder releases it after its store. */
    private static void awaitLeaseGone(LeaseStore leases, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (leases.get(key) != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the lease was never released: " + leases.get(key));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Issue 20, item 3: the same per-key daily cap on A and B (0.09 USD) holds for the pair. Each call of the priced
     * model costs 0.03 USD and is estimated at exactly that ({@code max_tokens} 3); calls alternated over A and B
     * go until the pair together reached the cap, then both refuse (429 budget_exceeded), though each spent only 0.06
     * or less itself. {@code /_cache/stats} shows each instance's own figures and the fleet's.
     */
    @Test
    @Order(5)
    void aPerKeyCapSetOnBothHoldsForThePair() throws Exception {
        int calls = upstream.calls();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestProxy proxy = i % 2 == 0 ? a : b;
            int stored = proxy.events().awaitStored(0).size();
            String body = "{\"model\":\"" + PRICED_MODEL + "\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"budget call " + i + "\"}]}";
            HttpResponse<String> answer = proxy.post(TestProxy.CHAT, body, "Authorization", BUDGET_AUTH);
            statuses.add(answer.statusCode());
            if (answer.statusCode() == 200) {
                proxy.events().awaitStored(stored + 1); // settled against the budget before it is stored
            } else {
                assertTrue(answer.body().contains("budget_exceeded") && answer.body().contains("across the fleet"),
                        answer.body());
            }
        }
        assertEquals(List.of(200, 200, 200, 429, 429, 429), statuses, "three calls of 0.03 USD for the pair, not six");
        assertEquals(calls + 3, upstream.calls());
        String stats = a.get("/_cache/stats").body();
        JsonNode costs = JSON.readTree(stats).path("costs");
        JsonNode fleet = costs.path("fleet");
        assertEquals("shared", fleet.path("state").asText(), costs.toString());
        assertEquals(0, new java.math.BigDecimal("0.09").compareTo(
                fleet.path("byCaller").path(callerOf(costs)).path("spent").path("usd").decimalValue()), fleet.toString());
        assertEquals(0, new java.math.BigDecimal("0.06").compareTo(
                costs.path("byCaller").path(callerOf(costs)).path("spent").path("usd").decimalValue()),
                "A's own figures: its two calls");
        assertFalse(stats.contains("sk-budget-test") || stats.contains(stripe.uri("modelcache").getAuthority()),
                "no credential, no cluster address");
    }

    /** The caller the priced model's calls were counted for: the one whose spending in this ledger is in dollars. */
    private static String callerOf(JsonNode costs) {
        for (var callers = costs.path("byCaller").fields(); callers.hasNext(); ) {
            var caller = callers.next();
            if (caller.getValue().path("spent").path("usd").decimalValue().compareTo(new java.math.BigDecimal("0.01")) > 0) {
                return caller.getKey();
            }
        }
        throw new AssertionError("no caller spent the priced model's dollars: " + costs);
    }

    /**
     * Issue 20: sequences count across the cluster. Three identical sequenced requests recorded on A (the provider
     * answers 1, 2, 3), the counts reset, then replayed alternating A, B, A: answers 1, 2, 3, in order, from the cache.
     */
    @Test
    @Order(6)
    void aSequencePlayedOverAAndBGetsItsAnswersInOrder() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        upstream.handler(request -> Reply.json(200, CHAT_ANSWER.replace("\"chatcmpl-", "\"answer-"
                + answered.incrementAndGet() + "-chatcmpl-")));
        List<String> recorded = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int stored = a.events().awaitStored(0).size();
                HttpResponse<String> answer = a.post(TestProxy.CHAT, chat("a sequence over the fleet", false),
                        "Authorization", AUTH, "X-Cache-Sequence", "on");
                assertEquals("MISS", cache(answer), answer.body());
                recorded.add(answer.body());
                a.events().awaitStored(stored + 1);
            }
        } finally {
            upstream.handler(ANSWERS);
        }
        assertEquals(3, new java.util.HashSet<>(recorded).size(), "three answers: " + recorded);
        assertEquals(200, a.post("/_cache/sequences/reset", "").statusCode());
        int calls = upstream.calls();
        TestProxy[] order = {a, b, a};
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> replayed = order[i].post(TestProxy.CHAT, chat("a sequence over the fleet", false),
                    "Authorization", AUTH, "X-Cache-Sequence", "on");
            assertEquals("HIT", cache(replayed), "step " + (i + 1));
            assertEquals(recorded.get(i), replayed.body(), "step " + (i + 1) + " is answer " + (i + 1));
        }
        assertEquals(calls, upstream.calls());
    }

    @Test
    @Order(7)
    void killingTheActiveServerLosesNoEntryThePassiveTakesOver() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            bodies.add(miss(a, chat("before the failover " + i, i % 2 == 0)).body());
        }
        int calls = upstream.calls();
        String active = stripe.active();
        String passive = stripe.passive();
        stripe.kill(active);
        stripe.awaitActive(passive, Duration.ofSeconds(60));
        long takenOver = System.currentTimeMillis();
        awaitClusterAnswersAfter(a, takenOver, Duration.ofSeconds(60));
        awaitClusterAnswersAfter(b, takenOver, Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> hit = ask(b, chat("before the failover " + i, i % 2 == 0));
            assertEquals("HIT", cache(hit), "entry " + i + " survived the loss of the active server");
            assertEquals(bodies.get(i), hit.body());
        }
        assertEquals(calls, upstream.calls(), "B found every entry in the new active, none upstream");
    }

    @Test
    @Order(8)
    void restartingEitherProxyKeepsServing() throws Exception {
        HttpResponse<String> fromA = miss(a, chat("stored before the restarts", false));
        int calls = upstream.calls();

        b.close();
        b = proxy("b");
        awaitClusterAnswersAfter(b, 0, Duration.ofSeconds(30));
        HttpResponse<String> hitOnNewB = ask(b, chat("stored before the restarts", false));
        assertEquals("HIT", cache(hitOnNewB), "a restarted B still shares A's entries");
        assertEquals(fromA.body(), hitOnNewB.body());
        miss(b, chat("stored by the restarted B", false));

        a.close();
        a = proxy("a");
        awaitClusterAnswersAfter(a, 0, Duration.ofSeconds(30));
        assertEquals("HIT", cache(ask(a, chat("stored by the restarted B", false))), "a restarted A hits B's entry");
        assertEquals("HIT", cache(ask(a, chat("plain across the fleet", false))), "and its own, kept across the restart");
        assertEquals(calls + 1, upstream.calls());
    }

    @Test
    @Order(9)
    void theWholeStripeGoneAndBackNeverStopsTheProxies() throws Exception {
        String kept = chat("kept by A before the outage", false);
        HttpResponse<String> stored = miss(a, kept);
        LogCapture log = new LogCapture();
        Logger.getLogger(ClusteredTier.class.getName()).addHandler(log);
        try {
            stripe.killAll();
            awaitClusterState(a, "unreachable", Duration.ofSeconds(30));
            awaitClusterState(b, "unreachable", Duration.ofSeconds(30));
            int calls = upstream.calls();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> own = ask(a, kept);
                assertEquals("HIT", cache(own), "A's own entry still hits, from its record");
                assertEquals(stored.body(), own.body());
            }
            assertEquals("MISS", cache(ask(b, chat("asked during the outage", false))), "a miss goes upstream");
            assertEquals("HIT", cache(ask(b, chat("asked during the outage", false))), "and is kept in B's record");
            assertEquals(calls + 1, upstream.calls());
            assertEquals(2, count(log, "until it answers again"),
                    "each proxy says once that the cluster is gone: " + messages(log));

            b.close(); // Ehcache's own close waits for a reconnection that never comes: this one gives up
            b = proxy("b");
            awaitClusterState(b, "unreachable", Duration.ofSeconds(5));
            assertEquals("HIT", cache(ask(b, chat("asked during the outage", false))), "B restarted in the outage serves");

            stripe.restartEmpty(STRIPE_START);
            long back = System.currentTimeMillis();
            awaitClusterAnswersAfter(a, back, Duration.ofSeconds(90));
            awaitClusterAnswersAfter(b, back, Duration.ofSeconds(90));
            assertEquals(1, count(log, "shares its entries again"), "A says once that the cluster is back: " + messages(log));
            assertEquals(1, count(log, "now shares"), "B, started in the outage, once that it joined: " + messages(log));
            assertEquals(2, count(log, "until it answers again"), messages(log));
        } finally {
            Logger.getLogger(ClusteredTier.class.getName()).removeHandler(log);
        }
        // The restarted stripe is empty: A's record publishes its entry as it is asked for, then B shares it.
        int calls = upstream.calls();
        assertEquals("HIT", cache(ask(a, kept)));
        HttpResponse<String> onB = ask(b, kept);
        assertEquals("HIT", cache(onB), "B hits what A's record gave the restarted cluster");
        assertEquals(stored.body(), onB.body());
        HttpResponse<String> fresh = miss(b, chat("stored after the stripe came back", false));
        assertEquals(fresh.body(), ask(a, chat("stored after the stripe came back", false)).body());
        assertEquals(calls + 1, upstream.calls(), "and A hits what B stored since");
    }

    private static long count(LogCapture log, String text) {
        return log.records.stream().filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains(text)).count();
    }

    private static String messages(LogCapture log) {
        return log.records.stream().map(LogRecord::getMessage).toList().toString();
    }

    /** Waits until {@code proxy}'s /_cache/health shows the cluster in {@code state}. */
    private static void awaitClusterState(TestProxy proxy, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode cluster = null;
        while (System.nanoTime() < deadline) {
            cluster = JSON.readTree(proxy.get("/_cache/health").body()).path("cluster");
            if (state.equals(cluster.path("state").asText())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the proxy's cluster was not " + state + " within " + timeout + ": " + cluster);
    }

    /** Waits until {@code proxy}'s /_cache/health says the cluster answered after {@code afterMillis}. */
    private static void awaitClusterAnswersAfter(TestProxy proxy, long afterMillis, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode cluster = null;
        while (System.nanoTime() < deadline) {
            cluster = JSON.readTree(proxy.get("/_cache/health").body()).path("cluster");
            if ("connected".equals(cluster.path("state").asText())
                    && cluster.path("answeredAtMillis").asLong() > afterMillis) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the proxy's cluster did not answer within " + timeout + ": " + cluster);
    }
}
