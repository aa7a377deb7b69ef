package dev.modelcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.ProxyExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard's page and files at {@code /_cache/}: served without the admin token, typed, under a strict CSP. */
class DashboardTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "dash-t0ken";
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().with("admin/token", TOKEN);

    private static String type(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static void assertServed(HttpResponse<String> response, String contentType) {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(contentType.replace(" ", ""), type(response));
        assertEquals(CSP, response.headers().firstValue("Content-Security-Policy").orElse(null));
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(null));
    }

    @Test
    void thePageAndItsFilesAreServedWithoutTheTokenTypedAndUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = fixture.get("/_cache/");
        assertServed(page, "text/html; charset=utf-8");
        assertTrue(page.body().contains("<title>ModelCache</title>"), page.body());
        assertServed(fixture.get("/_cache/ui/index.html"), "text/html; charset=utf-8");
        assertServed(fixture.get("/_cache/ui/dashboard.css"), "text/css; charset=utf-8");
        HttpResponse<String> script = fixture.get("/_cache/ui/dashboard.js");
        assertServed(script, "text/javascript; charset=utf-8");
        assertTrue(script.body().contains("sessionStorage"), "the token is kept for the tab");
    }

    @Test
    void thePageNamesOnlyItsOwnFilesAndNothingFromElsewhere() throws Exception {
        String page = fixture.get("/_cache/").body();
        Matcher references = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page);
        int count = 0;
        while (references.find()) {
            String target = references.group(1);
            count++;
            assertTrue(target.startsWith("ui/") || target.equals("data:,"), "the page loads " + target);
            if (target.startsWith("ui/")) {
                assertEquals(200, fixture.get("/_cache/" + target).statusCode(), target);
            }
        }
        assertEquals(3, count, "a stylesheet, a script and the empty icon");
        for (String file : new String[] {"/_cache/", "/_cache/ui/dashboard.js", "/_cache/ui/dashboard.css"}) {
            String text = fixture.get(file).body();
            String withoutSvgNamespace = text.replace("http://www.w3.org/2000/svg", "");
            assertFalse(withoutSvgNamespace.contains("http://") || text.contains("https://"), file + " names a URL");
            assertFalse(text.contains("//fonts.") || text.contains("@import"), file + " loads a font or a stylesheet");
            assertFalse(text.contains("innerHTML"), file + " writes markup");
        }
    }

    @Test
    void theBarePrefixRedirectsToThePage() throws Exception {
        HttpResponse<String> bare = fixture.get("/_cache");
        assertEquals(302, bare.statusCode());
        assertEquals("/_cache/", bare.headers().firstValue("Location").orElse(null));
    }

    @Test
    void anUnknownFileIsANotFoundInTheAdminErrorShapeAndNoPathLeavesTheList() throws Exception {
        for (String path : new String[] {"/_cache/ui/nothing.js", "/_cache/ui/", "/_cache/ui/dashboard/index.html",
                "/_cache/ui/%2e%2e/ui/missing"}) {
            HttpResponse<String> answer = fixture.get(path);
            assertTrue(answer.statusCode() == 404 || answer.statusCode() == 400, path + " -> " + answer.statusCode());
            assertTrue(type(answer).startsWith("application/json"), path + ": " + type(answer));
            JsonNode error = JSON.readTree(answer.body()).path("error");
            assertFalse(error.path("message").asText().isEmpty(), answer.body());
        }
        // Climbing out is refused by the container itself (400) or normalised back under /_cache/ by the servlet.
        for (String path : new String[] {"/_cache/ui/../../WEB-INF/web.xml", "/_cache/ui/..%2fDashboard.class",
                "/_cache/ui/../ui/../../_cache/ui/Dashboard.class"}) {
            HttpResponse<String> answer = fixture.get(path);
            assertTrue(answer.statusCode() >= 400, path + " -> " + answer.statusCode());
            assertFalse(answer.body().contains("<web-app"), path);
        }
        HttpResponse<String> missing = fixture.get("/_cache/ui/nothing.js");
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", JSON.readTree(missing.body()).at("/error/code").asText());
    }

    @Test
    void theDataStillNeedsTheTokenAndOnlyGetIsAllowedOnThePage() throws Exception {
        assertEquals(401, fixture.get("/_cache/stats").statusCode());
        assertEquals(401, fixture.get("/_cache/entries").statusCode());
        assertEquals(200, fixture.get("/_cache/stats", "Authorization", "Bearer " + TOKEN).statusCode());
        HttpResponse<String> post = fixture.proxy().client().send(HttpRequest.newBuilder(fixture.proxy().uri("/_cache/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        HttpResponse<Void> head = fixture.proxy().client().send(HttpRequest.newBuilder(fixture.proxy().uri("/_cache/ui/dashboard.css"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals("text/css;charset=utf-8", type(head));
    }
}
