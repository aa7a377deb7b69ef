package dev.modelcache;

import static dev.modelcache.support.GeminiFixtures.ANSWER;
import static dev.modelcache.support.GeminiFixtures.GENERATE;
import static dev.modelcache.support.GeminiFixtures.REQUEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.auth.ProxyKeys;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawHttp;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gemini's {@code key=} query parameter, however it is spelled: one name for the partition, the key and the
 * redaction ({@code k%65y} is {@code key}); and, with proxy keys, never sent to Google.
 */
class GeminiKeyParameterIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "AIzaGATEsecret0123456789";
    static final String PROXY_KEY = "mc-gate-proxy-key-31337";
    static final String SERVER_KEY = "AIza-server-side-key";
    static final String ADMIN = "gate-admin-token-5150";

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, ANSWER))
            .provider("gemini", "gemini", "/google", "gemini-*").with("admin/token", ADMIN);
    final LogCapture logs = new LogCapture();

    @BeforeEach
    void start() throws Exception {
        Logger.getLogger("").addHandler(logs);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(logs);
    }

    private static String cache(RawHttp.Answer answer) {
        assertEquals(200, answer.status(), answer.body());
        return answer.header("X-Cache");
    }

    @Test
    void anEncodedKeyNameIsTheKeyForThePartitionTheKeyAndEveryRedaction() throws Exception {
        List<String> outputs = new ArrayList<>();
        assertEquals("MISS", cache(RawHttp.send(fixture.proxy().uri("/"), "POST", GENERATE + "?k%65y=" + SECRET, REQUEST)));
        assertEquals("HIT", cache(RawHttp.send(fixture.proxy().uri("/"), "POST", GENERATE + "?key=" + SECRET, REQUEST)),
                "k%65y=S and key=S are one request of one caller");
        assertEquals("HIT", cache(RawHttp.send(fixture.proxy().uri("/"), "POST", GENERATE + "?%6B%65%79=" + SECRET, REQUEST)));
        assertEquals("MISS", cache(RawHttp.send(fixture.proxy().uri("/"), "POST", GENERATE, REQUEST)),
                "a caller with k%65y= is not anonymous");
        assertEquals("MISS", cache(RawHttp.send(fixture.proxy().uri("/"), "POST", GENERATE + "?k%65y=AIza-other", REQUEST)));
        for (String twice : List.of("?key=AIza-a&k%65y=" + SECRET, "?k%65y=" + SECRET + "&key=AIza-b",
                "?key+=" + SECRET, "?%20key=" + SECRET, "?KEY=" + SECRET + "&key=x")) {
            RawHttp.Answer refused = RawHttp.send(fixture.proxy().uri("/"), "POST", GENERATE + twice, REQUEST);
            assertEquals(400, refused.status(), twice + ": " + refused.body());
            assertEquals("invalid_query", JSON.readTree(refused.body()).at("/error/details/0/reason").asText(),
                    refused.body());
            outputs.add(refused.body());
        }
        fixture.proxy().settledStats();
        for (String admin : List.of("/_cache/stats", "/_cache/requests", "/_cache/entries", "/_cache/report")) {
            HttpResponse<String> answer = fixture.proxy().get(admin, "Authorization", "Bearer " + ADMIN);
            assertEquals(200, answer.statusCode(), admin);
            outputs.add(answer.body());
        }
        HttpResponse<byte[]> zip = fixture.proxy().client().send(HttpRequest.newBuilder(fixture.proxy().uri("/_cache/export"))
                .header("Authorization", "Bearer " + ADMIN).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        StringBuilder exported = new StringBuilder();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                exported.append(entry.getName()).append('\n').append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(exported.toString().contains("key=REDACTED"), "the export holds the entries, key blanked");
        outputs.add(exported.toString());
        fixture.stop();
        assertEquals(3, fixture.upstream().calls(), "the refused spellings never reached the provider");
        assertEquals("/google" + GENERATE + "?key=" + SECRET, fixture.upstream().requests().get(0).target(),
                "without proxy keys the caller's own key goes to Google, under its one name");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(fixture.cacheDir())) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.toString().contains("records")), files.toString());
        for (Path file : files) {
            outputs.add(file + "\n" + new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
        for (LogRecord record : logs.records) {
            outputs.add(record.getMessage() + " " + record.getThrown());
        }
        for (String output : outputs) {
            assertFalse(output.contains(SECRET), output.substring(0, Math.min(500, output.length())));
        }
    }

    @Test
    void withProxyKeysNoSpellingOfTheKeyParameterReachesGoogle() throws Exception {
        fixture.with("auth/keys", "alice:sha256:" + ProxyKeys.sha256Hex(PROXY_KEY), "providers/gemini/apiKey", SERVER_KEY,
                "providers/openai/apiKey", "sk-openai-server-side");
        int i = 0;
        for (String query : List.of("?key=" + SECRET, "?alt=sse&k%65y=" + SECRET, "?KEY=" + SECRET + "&x=1",
                "?key=" + PROXY_KEY)) {
            String body = REQUEST.replace("Say hello", "Say hello " + i++);
            RawHttp.Answer answer = RawHttp.send(fixture.proxy().uri("/"), "POST", GENERATE + query, body,
                    "x-goog-api-key", PROXY_KEY);
            assertEquals(200, answer.status(), query + ": " + answer.body());
        }
        RawHttp.Answer keyOnlyInQuery = RawHttp.send(fixture.proxy().uri("/"), "POST", GENERATE + "?key=" + PROXY_KEY, REQUEST);
        assertEquals(401, keyOnlyInQuery.status(), "a proxy key is taken from the headers only");
        fixture.stop();
        assertEquals(4, fixture.upstream().calls());
        for (FakeUpstream.Request seen : fixture.upstream().requests()) {
            String target = seen.target().toLowerCase(java.util.Locale.ROOT);
            assertFalse(target.contains("key") || target.contains("k%65y"), seen.target());
            assertFalse(seen.target().contains(SECRET) || seen.target().contains(PROXY_KEY), seen.target());
            assertEquals(SERVER_KEY, seen.header("x-goog-api-key"), "the configured key, and only it");
        }
        assertTrue(fixture.upstream().requests().get(1).target().endsWith("?alt=sse"), fixture.upstream().requests().get(1).target());
        assertTrue(fixture.upstream().requests().get(2).target().endsWith("?x=1"), fixture.upstream().requests().get(2).target());
    }
}
