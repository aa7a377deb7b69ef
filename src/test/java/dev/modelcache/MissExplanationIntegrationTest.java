package dev.modelcache;

import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a miss explanation shows, over HTTP: bounded in size and work whatever the request holds, and never shaped
 * by another caller's entries ({@code X-Cache-Miss-Reason}, the 504 of {@code only-if-cached}, {@code /_cache/explain}
 * and {@code /_cache/report}).
 */
class MissExplanationIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ASK = "{\"model\":\"gpt-4o-mini\",\"temperature\":0.7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final int REASON_LIMIT = 200;
    static final int BODY_LIMIT = 64 * 1024;

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200,
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,"
                        + "\"total_tokens\":5}}"));

    HttpResponse<String> ask(String body, String... headers) throws Exception {
        HttpResponse<String> response = fixture.post(CHAT, body, headers);
        fixture.proxy().settledStats();
        return response;
    }

    /** Request bodies that once cost the explainer a billion characters, or could cost it a lot of work. */
    static Map<String, String> hostile() {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("a huge exponent", ASK.replace("0.7", "1e999999999"));
        bodies.put("a tiny exponent", ASK.replace("0.7", "1e-999999999"));
        bodies.put("an exponent at the scale's edge", ASK.replace("0.7", "100e2147483647"));
        bodies.put("a huge integer", ASK.replace("0.7", "9".repeat(999)));
        String deep = "[".repeat(990) + "1" + "]".repeat(990); // the parser allows 1000 levels
        bodies.put("deep nesting", ASK.replace("\"temperature\":0.7", "\"stop\":" + deep));
        bodies.put("a 1 MB string", ASK.replace("\"hi\"", "\"" + "x".repeat(1 << 20) + "\""));
        bodies.put("a 1 MB field name", ASK.replace("\"temperature\"", "\"" + "n".repeat(1 << 20) + "\""));
        return bodies;
    }

    static void assertReason(String what, HttpResponse<String> response) {
        String reason = response.headers().firstValue("X-Cache-Miss-Reason").orElse(null);
        assertTrue(reason != null && reason.length() <= REASON_LIMIT && reason.matches("[\\x20-\\x7e]+"),
                what + ": X-Cache-Miss-Reason " + reason);
    }

    /** Found by HttpFuzzTest: Jackson cannot hold this exponent in a BigDecimal, and said so with an unchecked exception. */
    @Test
    void aNumberWhoseExponentOverflowsIsABadRequestForExplainAndNeverA500() throws Exception {
        String body = ASK.replace("0.7", "1e2147483648");
        String wrapper = "{\"method\":\"POST\",\"path\":\"" + CHAT + "\",\"body\":" + body + "}";
        HttpResponse<String> explained = fixture.post("/_cache/explain", wrapper);
        assertEquals(400, explained.statusCode(), explained.body());
        assertEquals("invalid_json", JSON.readTree(explained.body()).path("error").path("code").asText(), explained.body());

        HttpResponse<String> proxied = ask(body);
        assertTrue(proxied.statusCode() < 500, proxied.statusCode() + " " + proxied.body());
    }

    @Test
    void aHostileRequestIsAnsweredWithABoundedExplanationAsAMissAnOnlyIfCachedMissAndThroughExplain()
            throws Exception {
        ask(ASK);
        for (Map.Entry<String, String> hostile : hostile().entrySet()) {
            String what = hostile.getKey();
            String body = hostile.getValue();

            String wrapper = "{\"method\":\"POST\",\"path\":\"" + CHAT + "\",\"body\":" + body + "}";
            HttpResponse<String> explained = fixture.post("/_cache/explain", wrapper);
            assertEquals(200, explained.statusCode(), what + ": " + explained.body());
            assertFalse(JSON.readTree(explained.body()).path("hit").asBoolean(true), what + ": " + explained.body());
            assertTrue(explained.body().length() < BODY_LIMIT, what + ": " + explained.body().length() + " characters");
            assertTrue(JSON.readTree(explained.body()).path("explanation").path("summary").asText()
                    .startsWith("nearest entry "), what + ": " + explained.body());

            HttpResponse<String> offline = ask(body, "Cache-Control", "only-if-cached");
            assertEquals(504, offline.statusCode(), what + ": " + offline.body());
            assertTrue(offline.body().length() < BODY_LIMIT, what + ": " + offline.body().length() + " characters");
            JsonNode error = JSON.readTree(offline.body()).path("error");
            assertEquals("cache_miss", error.path("code").asText(), what);
            assertTrue(error.path("explanation").path("summary").asText().startsWith("nearest entry "), what + ": " + error);
            assertReason(what, offline);
            if (what.equals("a huge exponent")) {
                assertTrue(offline.headers().firstValue("X-Cache-Miss-Reason").orElseThrow()
                        .endsWith(": /temperature 0.7 -> 1E+999999999"), offline.headers().map().toString());
            }

            HttpResponse<String> miss = ask(body);
            assertEquals(200, miss.statusCode(), what + ": " + miss.body());
            assertEquals("MISS", xCache(miss), what);
            assertReason(what, miss);
        }
        assertTrue(fixture.get("/_cache/report").body().length() < hostile().size() * 3 * BODY_LIMIT);
    }

    static final String ALICE = "{\"model\":\"gpt-4o-mini\",\"temperature\":0.3,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are the payroll assistant of ACME.\"},"
            + "{\"role\":\"user\",\"content\":\"My salary is 93000 EUR. Is that fair?\"}]}";

    /** Bob's guesses at Alice's request: right, right but for one field, and wrong in every field. */
    static List<String> guesses() {
        return List.of(ALICE,
                ALICE.replace("0.3", "0.4"),
                ALICE.replace("93000", "94000"),
                ALICE.replace("payroll", "travel"),
                "{\"model\":\"gpt-4o-mini\",\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
    }

    /** What Bob learns from each guess: the header, the 504's explanation, and /_cache/explain's. */
    List<String> bobsView() throws Exception {
        List<String> seen = new ArrayList<>();
        for (String guess : guesses()) {
            HttpResponse<String> offline = ask(guess, "Authorization", "Bearer sk-bob", "Cache-Control", "only-if-cached");
            assertEquals(504, offline.statusCode(), offline.body());
            seen.add(offline.headers().firstValue("X-Cache-Miss-Reason").orElseThrow());
            seen.add(JSON.readTree(offline.body()).path("error").path("explanation").toString());
            String wrapper = "{\"method\":\"POST\",\"path\":\"" + CHAT + "\",\"headers\":{\"Authorization\":\"Bearer sk-bob\"},"
                    + "\"body\":" + guess + "}";
            seen.add(JSON.readTree(fixture.post("/_cache/explain", wrapper).body()).path("explanation").toString());
        }
        return seen;
    }

    @Test
    void anotherCallersEntryNeverShapesTheExplanation() throws Exception {
        List<String> beforeAlice = bobsView();
        assertEquals(1, beforeAlice.stream().filter(s -> !s.startsWith("{")).distinct().count(), beforeAlice.toString());

        assertEquals(200, ask(ALICE, "Authorization", "Bearer sk-alice").statusCode());
        List<String> afterAlice = bobsView();
        assertEquals(beforeAlice, afterAlice, "byte for byte, whether Alice's entry exists or Bob guessed right");
        String reason = afterAlice.get(0);
        assertEquals("no stored entry of this caller for POST " + CHAT + " at provider openai", reason);
        for (String seen : afterAlice) {
            assertFalse(seen.contains("/messages") || seen.contains("/temperature") || seen.contains("nearest entry"),
                    seen);
        }
        String report = fixture.get("/_cache/report").body();
        for (JsonNode miss : JSON.readTree(report).path("misses")) {
            assertFalse(miss.path("explanation").toString().contains("/messages"), miss.toString());
        }

        HttpResponse<String> own = ask(ALICE.replace("0.3", "0.4"), "Authorization", "Bearer sk-alice");
        assertEquals("MISS", xCache(own));
        assertTrue(own.headers().firstValue("X-Cache-Miss-Reason").orElseThrow().endsWith(": /temperature 0.3 -> 0.4"),
                own.headers().map().toString());
    }
}
