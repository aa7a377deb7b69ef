package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EntryEndpointsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "t0ken";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().with("admin/token", TOKEN).handler(r -> r.bodyText().contains("\"stream\":true")
            ? Reply.sse(List.of("data: {\"delta\":\"Hel\"}\n\n", "data: {\"delta\":\"lo\"}\n\n", "data: [DONE]\n\n"))
            : Reply.json(200, CHAT_ANSWER));

    private static String chat(String model, String prompt, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
    }

    /** Sends {@code n} distinct prompts ("prompt 1", ...) to {@code model} and waits until all are stored. */
    private static void record(TestProxy proxy, String model, int n, int storedBefore) throws Exception {
        for (int i = 1; i <= n; i++) {
            proxy.post(CHAT, chat(model, "prompt " + i + " about " + model, false), "Authorization", "Bearer sk-secret-caller");
        }
        proxy.events().awaitStored(storedBefore + n);
    }

    private static HttpResponse<String> send(TestProxy proxy, String method, String path) throws Exception {
        return ProxyExtension.send(proxy, method, path, "Authorization", "Bearer " + TOKEN);
    }

    private static JsonNode getJson(TestProxy proxy, String path) throws Exception {
        HttpResponse<String> response = send(proxy, "GET", path);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static String firstKey(TestProxy proxy, String query) throws Exception {
        return getJson(proxy, "/_cache/entries?" + query).at("/entries/0/key").asText();
    }

    @Test
    void theListingPagesWithLimitAndOffsetAndSaysTheTotalAndTheNextPage() throws Exception {
        TestProxy proxy = fixture.proxy();
        record(proxy, "gpt-4o-mini", 5, 0);
        JsonNode first = getJson(proxy, "/_cache/entries?limit=2");
        assertEquals(5, first.get("count").asInt());
        assertEquals(2, first.get("entries").size());
        assertEquals(2, first.get("next").asInt());
        JsonNode last = getJson(proxy, "/_cache/entries?limit=2&offset=4");
        assertEquals(1, last.get("entries").size());
        assertTrue(last.get("next").isNull());
        assertEquals(100, getJson(proxy, "/_cache/entries").get("limit").asInt());
        assertEquals(400, send(proxy, "GET", "/_cache/entries?limit=1001").statusCode());
        assertFalse(first.at("/entries/0/pinned").asBoolean());
    }

    @Test
    void theListingFiltersByModelPathAndTextInThePrompt() throws Exception {
        TestProxy proxy = fixture.proxy();
        record(proxy, "gpt-4o-mini", 2, 0);
        record(proxy, "gpt-4o", 3, 2);
        assertEquals(3, getJson(proxy, "/_cache/entries?model=gpt-4o").get("count").asInt());
        assertEquals(5, getJson(proxy, "/_cache/entries?path=/v1/chat&provider=openai").get("count").asInt());
        JsonNode found = getJson(proxy, "/_cache/entries?q=PROMPT%202%20about%20gpt-4o-mini");
        assertEquals(1, found.get("count").asInt());
        assertEquals("gpt-4o-mini", found.at("/entries/0/model").asText());
        assertEquals(5, found.at("/search/scanned").asInt());
        assertFalse(found.at("/search/cut").asBoolean());
        assertEquals(3, getJson(proxy, "/_cache/entries?model=gpt-4o&q=prompt%20").get("count").asInt());
    }

    @Test
    void anEntryIsShownByItsKeyOrATwelveHexPrefixWithItsStreamAsEventsAndNoCredential() throws Exception {
        TestProxy proxy = fixture.proxy();
        HttpResponse<String> streamed = proxy.post(CHAT + "?api-key=sk-in-query", chat("gpt-4o-mini", "stream it", true),
                "Authorization", "Bearer sk-secret-caller");
        proxy.events().awaitStored(1);
        String key = firstKey(proxy, "");
        assertTrue(streamed.headers().firstValue("X-Cache-Key").orElseThrow().startsWith(key.substring(0, 12)));
        JsonNode byPrefix = getJson(proxy, "/_cache/entries/" + key.substring(0, 12));
        JsonNode byKey = getJson(proxy, "/_cache/entries/" + key);
        assertEquals(byKey, byPrefix);
        assertEquals(key, byKey.get("id").asText());
        assertEquals("stream it", byKey.at("/request/body/messages/0/content").asText());
        assertEquals("openai", byKey.at("/request/provider").asText());
        assertEquals("api-key=REDACTED", byKey.at("/request/query").asText());
        JsonNode events = byKey.at("/response/events");
        assertEquals(3, events.size(), byKey.toString());
        assertEquals("data: {\"delta\":\"Hel\"}", events.get(0).asText());
        assertEquals(200, byKey.at("/response/status").asInt());
        assertFalse(byKey.toString().contains("sk-secret-caller") || byKey.toString().contains("sk-in-query"));
        assertFalse(byKey.toString().toLowerCase().contains("authorization"));

        proxy.post(CHAT, chat("gpt-4o-mini", "plain", false));
        proxy.events().awaitStored(2);
        JsonNode plain = getJson(proxy, "/_cache/entries/" + firstKey(proxy, "q=plain"));
        assertEquals("chatcmpl-1", plain.at("/response/body/id").asText());

        HttpResponse<String> absent = send(proxy, "GET", "/_cache/entries/" + "0".repeat(64));
        assertEquals(404, absent.statusCode());
        assertTrue(absent.body().contains("\"error\""), absent.body());
        assertEquals(400, send(proxy, "GET", "/_cache/entries/abc").statusCode());
    }

    @Test
    void deletingByIdRemovesTheEntryAndThenAnswers404() throws Exception {
        TestProxy proxy = fixture.proxy();
        record(proxy, "gpt-4o-mini", 2, 0);
        String key = firstKey(proxy, "");
        assertEquals(204, send(proxy, "DELETE", "/_cache/entries/" + key.substring(0, 12)).statusCode());
        assertEquals(1, getJson(proxy, "/_cache/entries").get("count").asInt());
        assertEquals(404, send(proxy, "DELETE", "/_cache/entries/" + key).statusCode());
        assertEquals(404, send(proxy, "GET", "/_cache/entries/" + key).statusCode());
    }

    @Test
    void deletingByFilterRemovesOnlyTheMatchingEntriesAndNeedsAFilter() throws Exception {
        TestProxy proxy = fixture.proxy();
        record(proxy, "gpt-4o-mini", 2, 0);
        record(proxy, "gpt-4o", 3, 2);
        assertEquals(400, send(proxy, "DELETE", "/_cache/entries").statusCode());
        HttpResponse<String> deleted = send(proxy, "DELETE", "/_cache/entries?model=gpt-4o");
        assertEquals(200, deleted.statusCode());
        assertEquals(3, JSON.readTree(deleted.body()).get("deleted").asInt());
        assertEquals(2, getJson(proxy, "/_cache/entries").get("count").asInt());
        assertEquals(1, JSON.readTree(send(proxy, "DELETE", "/_cache/entries?q=prompt%201").body()).get("deleted").asInt());
    }

    @Test
    void aFullPurgeNeedsTheCurrentEntryCountAsConfirmation() throws Exception {
        TestProxy proxy = fixture.proxy();
        record(proxy, "gpt-4o-mini", 3, 0);
        HttpResponse<String> unconfirmed = send(proxy, "DELETE", "/_cache/entries?all=true");
        assertEquals(409, unconfirmed.statusCode());
        assertTrue(unconfirmed.body().contains("confirm=3"), unconfirmed.body());
        assertEquals(409, send(proxy, "DELETE", "/_cache/entries?all=true&confirm=2").statusCode());
        assertEquals(3, getJson(proxy, "/_cache/entries").get("count").asInt());
        HttpResponse<String> purged = send(proxy, "DELETE", "/_cache/entries?all=true&confirm=3");
        assertEquals(3, JSON.readTree(purged.body()).get("deleted").asInt());
        assertEquals(0, getJson(proxy, "/_cache/entries").get("count").asInt());
    }

    @Test
    void aPinShowsInTheListingAndSurvivesARestart() throws Exception {
        TestProxy proxy = fixture.proxy();
        record(proxy, "gpt-4o-mini", 2, 0);
        String key = firstKey(proxy, "");
        assertEquals(200, send(proxy, "PUT", "/_cache/entries/" + key.substring(0, 12) + "/pin").statusCode());
        assertEquals(404, send(proxy, "PUT", "/_cache/entries/" + "0".repeat(64) + "/pin").statusCode());
        TestProxy restarted = fixture.restart();
        assertTrue(getJson(restarted, "/_cache/entries/" + key).get("pinned").asBoolean());
        assertTrue(getJson(restarted, "/_cache/entries").at("/entries/0/pinned").asBoolean());
        assertEquals(1, getJson(restarted, "/_cache/entries?limit=1000").findValues("pinned").stream()
                .filter(JsonNode::asBoolean).count());
        assertEquals(200, send(restarted, "DELETE", "/_cache/entries/" + key + "/pin").statusCode());
        assertFalse(getJson(restarted, "/_cache/entries/" + key).get("pinned").asBoolean());
    }

    @Test
    void everyEntryEndpointAnswers401WithoutTheAdminToken() throws Exception {
        TestProxy proxy = fixture.proxy();
        record(proxy, "gpt-4o-mini", 1, 0);
        String key = firstKey(proxy, "");
        for (String[] call : new String[][] {{"GET", "/_cache/entries"}, {"GET", "/_cache/entries/" + key},
                {"DELETE", "/_cache/entries/" + key}, {"DELETE", "/_cache/entries?model=gpt-4o-mini"},
                {"DELETE", "/_cache/entries?all=true&confirm=1"}, {"PUT", "/_cache/entries/" + key + "/pin"}}) {
            HttpRequest request = HttpRequest.newBuilder(proxy.uri(call[1]))
                    .method(call[0], HttpRequest.BodyPublishers.noBody()).build();
            assertEquals(401, proxy.client().send(request, HttpResponse.BodyHandlers.ofString()).statusCode(),
                    call[0] + " " + call[1]);
        }
        assertEquals(1, getJson(proxy, "/_cache/entries").get("count").asInt());
    }
}
