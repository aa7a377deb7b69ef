package dev.modelcache.dashboard;

import static dev.modelcache.support.Chromium.quote;
import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.Chromium;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (headless Chromium over the DevTools protocol) against a running proxy with an
 * admin token: the token asked for in the page, the figures and the entries shown, a stream's events, a search,
 * a deletion confirmed in the page and seen over HTTP, a mode switch; screenshots in {@code target/}. Skipped
 * without a Chromium, unless {@code CI} is set: then it fails.
 */
class DashboardBrowserIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "dashboard-e2e-t0ken";
    static final String CALLER = "Bearer sk-dashboard-caller";
    static final Path SHOTS = Path.of("target");

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    TestProxy proxy;
    Chromium browser;

    @BeforeEach
    void start() throws Exception {
        Optional<Path> chromium = Chromium.find();
        String missing = "No Chromium found (MODELCACHE_CHROMIUM, or chromium, chromium-browser or google-chrome on "
                + "PATH): install Debian's chromium (apt-get install chromium) to run the dashboard's browser test.";
        if (chromium.isEmpty() && System.getenv("CI") != null) {
            fail(missing + " CI is set, so this fails instead of skipping.");
        }
        Assumptions.assumeTrue(chromium.isPresent(), missing);
        upstream = FakeUpstream.start().handler(request -> request.bodyText().contains("\"stream\":true")
                ? Reply.sse(CHAT_EVENTS) : Reply.json(200, CHAT_ANSWER));
        Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), cacheDir);
        settings.put("admin/token", TOKEN);
        proxy = TestProxy.start(settings);
        browser = Chromium.launch(chromium.get());
        browser.viewport(1280, 900);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static String chat(String prompt, boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
    }

    private String send(String json) throws Exception {
        HttpResponse<String> answer = proxy.post(CHAT, json, "Authorization", CALLER);
        assertEquals(200, answer.statusCode(), answer.body());
        proxy.events().awaitSettled();
        return answer.headers().firstValue("X-Cache").orElse("");
    }

    private JsonNode admin(String path) throws Exception {
        HttpResponse<String> answer = proxy.get(path, "Authorization", "Bearer " + TOKEN);
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    private static String text(String id) {
        return "(document.getElementById(" + quote(id) + ") || {}).textContent";
    }

    private void click(String id) {
        browser.evaluate("document.getElementById(" + quote(id) + ").click(), true");
    }

    private void type(String id, String value) {
        browser.evaluate("document.getElementById(" + quote(id) + ").value = " + quote(value) + ", true");
    }

    @Test
    void theDashboardShowsTheFiguresAndTheEntriesAndDeletesAnEntry() throws Exception {
        String prompt = "Say hello to the dashboard";
        assertEquals("MISS", send(chat(prompt, false)));
        assertEquals("HIT", send(chat(prompt, false)));
        assertEquals("HIT", send(chat(prompt, false)));
        assertEquals("MISS", send(chat("Stream a greeting", true)));
        proxy.events().awaitStored(2);

        browser.navigate(proxy.uri("/_cache/").toString());
        browser.waitFor("the page to ask for the admin token", "!document.getElementById('token-panel').hidden");
        type("token-input", TOKEN);
        click("token-submit");
        browser.waitFor("the token panel to close", "document.getElementById('token-panel').hidden");
        assertEquals(TOKEN, browser.evaluate("sessionStorage.getItem('modelcache.adminToken')").asText(),
                "the token is kept for the tab");
        assertEquals(0, browser.evaluate("localStorage.length").asInt(), "and nowhere that outlives it");
        assertEquals("", browser.evaluate("document.cookie").asText());

        browser.waitFor("4 requests", text("fig-requests") + " === '4'");
        browser.waitFor("2 calls saved", text("fig-calls-saved") + " === '2'");
        browser.waitFor("a hit ratio of 50%", text("fig-hit-ratio") + ".startsWith('50')");
        browser.waitFor("2 entries", text("fig-entries") + " === '2'");
        browser.waitFor("dollars saved", text("fig-usd-saved") + ".includes('$')");
        browser.waitFor("the model's row", "!!document.querySelector('#model-rows tr[data-model^=\"gpt-4o-mini\"]')");
        browser.waitFor("the chart", "!!document.querySelector('#chart svg')");
        browser.waitFor("the chart drawn from the proxy's timeline", text("chart-note") + " === 'The last hour, a bar a minute.'"
                + " && Array.from(document.querySelectorAll('#chart rect.bar-hit')).some(r => +r.getAttribute('height') > 0)");
        browser.waitFor("the latest requests, newest first", "Array.from(document.querySelectorAll('#request-rows tr'))"
                + ".map(r => r.querySelector('.badge') && r.querySelector('.badge').textContent).join(',') === 'MISS,HIT,HIT,MISS'"
                + " && " + text("requests-note") + " === ''");
        browser.waitFor("the model's requests and misses", "(() => { const row = document.querySelector("
                + "'#model-rows tr[data-model=\"gpt-4o-mini\"]'); return !!row && row.textContent.includes('4'); })()");
        browser.waitFor("the figures' start", text("figures-since") + ".startsWith('Since ')");
        browser.waitFor("the mode", text("mode-current") + " === 'readthrough'");
        browser.waitFor("both entries in the list", "document.querySelectorAll('#entry-rows tr[data-key]').length === 2");

        browser.evaluate("Array.from(document.querySelectorAll('#entry-rows tr[data-key]'))"
                + ".find(row => row.textContent.includes('(stream)')).click(), true");
        browser.waitFor("the stream's events", "document.querySelectorAll('#entry-events li').length === "
                + CHAT_EVENTS.size());
        assertTrue(browser.evaluate(text("entry-events")).asText().contains("[DONE]"));

        type("entry-q", "hello to the DASHBOARD");
        click("entry-search-button");
        browser.waitFor("the search to find one entry", "document.querySelectorAll('#entry-rows tr[data-key]').length === 1"
                + " && !document.querySelector('#entry-rows tr[data-key]').textContent.includes('(stream)')");
        String key = browser.evaluate("document.querySelector('#entry-rows tr[data-key]').getAttribute('data-key')").asText();
        assertTrue(key.matches("[0-9a-f]{64}"), key);
        browser.evaluate("document.querySelector('#entry-rows tr[data-key]').click(), true");
        browser.waitFor("the entry " + key, text("entry-request") + ".includes(" + quote(key) + ")");
        assertEquals("gpt-4o-mini", browser.evaluate(text("entry-request-model")).asText(), "the request's model");
        String request = browser.evaluate(text("entry-request-body")).asText();
        assertTrue(request.contains(prompt), request);
        String response = browser.evaluate(text("entry-response-body")).asText();
        assertTrue(response.contains("chatcmpl-1"), response);
        browser.screenshot(SHOTS.resolve("dashboard-e2e.png"));

        click("entry-delete");
        browser.waitFor("the confirmation in the page", "!document.getElementById('entry-confirm').hidden");
        click("entry-delete-yes");
        browser.waitFor("the entry to leave the list", "document.getElementById('entry-detail').hidden"
                + " && !document.querySelector('#entry-rows tr[data-key=\"" + key + "\"]')");
        JsonNode left = admin("/_cache/entries");
        assertEquals(1, left.get("count").asInt(), left.toString());
        left.get("entries").forEach(entry -> assertFalse(entry.get("key").asText().equals(key), "still listed: " + key));
        browser.waitFor("1 entry in the figures", text("fig-entries") + " === '1'");

        browser.evaluate("document.getElementById('mode-select').value = 'replay', true");
        click("mode-apply");
        browser.waitFor("the mode to switch", text("mode-current") + " === 'replay'");
        assertEquals("replay", admin("/_cache/mode").get("mode").asText());
        type("entry-q", "");
        click("entry-search-button");
        browser.waitFor("the other entry in the list", "document.querySelectorAll('#entry-rows tr[data-key]').length === 1");
        browser.screenshot(SHOTS.resolve("dashboard-e2e-deleted.png"));

        browser.evaluate("window.before = true, true"); // gone once the page is loaded again
        browser.navigate(proxy.uri("/_cache/").toString());
        browser.waitFor("the reloaded page's figures, without asking again", "!window.before && " + text("fig-entries")
                + " === '1' && document.getElementById('token-panel').hidden");
        browser.evaluate("sessionStorage.clear(), window.before = true, true");
        browser.navigate(proxy.uri("/_cache/").toString());
        browser.waitFor("a tab without the token to be asked for it",
                "!window.before && !!document.getElementById('token-panel') && !document.getElementById('token-panel').hidden");
        assertTrue(Files.size(SHOTS.resolve("dashboard-e2e.png")) > 10_000, "the screenshot is a picture");

        List<String> problems = browser.problems().stream()
                .filter(problem -> problem.startsWith("exception") || problem.contains("Content Security Policy")
                        || problem.contains("Refused to")).toList();
        assertEquals(List.of(), problems, "the page threw or broke its policy; all it logged: " + browser.problems());
    }
}
