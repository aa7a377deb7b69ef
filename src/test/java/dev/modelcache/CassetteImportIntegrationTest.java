package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.ProxyExtension.xCache;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import dev.modelcache.support.ZipBomb;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /_cache/import} over HTTP: a zip bomb is a 413 that names the bound and leaves nothing unpacked, and a
 * zip sent the way curl sends a file ({@code --data-binary}, as a form) is imported, with no body bytes in the log.
 */
class CassetteImportIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ASK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final long MIB = 1 << 20;
    /** The largest record of a default proxy: a 64 MiB answer, and a header of 2 x 32 MiB + 32 MiB + 1 MiB. */
    static final long DEFAULT_RECORD_BYTES = 64 * MIB + 2 * 32 * MIB + 32 * MIB + MIB;

    @TempDir
    Path work;
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();
    final LogCapture capture = new LogCapture();

    @BeforeEach
    void start() throws Exception {
        fixture.handler(r -> Reply.json(200, CHAT_ANSWER));
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
    }

    static HttpResponse<String> post(TestProxy proxy, String target, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(target)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return proxy.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode error(HttpResponse<String> answer) throws Exception {
        return JSON.readTree(answer.body()).path("error");
    }

    /** No import folder is left below the cache's own temporary folder. */
    static void assertNothingUnpacked(Path cacheDir) throws Exception {
        try (Stream<Path> left = Files.list(cacheDir.resolve("tmp"))) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** The first bytes of a real record, up to its body: what a bomb that passes for a record starts with. */
    byte[] recordHeader() throws Exception {
        TestProxy recorder = fixture.another(work.resolve("recorder"));
        recorder.post(TestProxy.CHAT, ASK, "Authorization", "Bearer sk-alice");
        recorder.settledStats();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(
                CassetteRoundTripIntegrationTest.exportZip(recorder, "")))) {
            zip.getNextEntry();
            byte[] record = zip.readAllBytes();
            return java.util.Arrays.copyOf(record, record.length - CHAT_ANSWER.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void aZipBombIsRefusedWith413NamingTheBoundAndNothingIsLeftUnpacked() throws Exception {
        Path cacheDir = work.resolve("cache");
        TestProxy proxy = fixture.another(cacheDir);
        byte[] bomb = new ZipBomb().add("bomb.mcr", new byte[0], 1L << 30).bytes();
        assertTrue(bomb.length < 2 * MIB, "about 1 MB that inflates to 1 GiB: " + bomb.length);
        HttpResponse<String> refused = post(proxy, "/_cache/import", bomb, "application/zip");
        assertEquals(413, refused.statusCode(), refused.body());
        assertEquals("cassettes_too_large", error(refused).path("code").asText(), refused.body());
        assertTrue(error(refused).path("message").asText().contains("bomb.mcr is larger than " + DEFAULT_RECORD_BYTES
                + " bytes, the largest record this proxy can make"), refused.body());
        assertNothingUnpacked(cacheDir);
        assertEquals(0, JSON.readTree(proxy.get("/_cache/stats").body()).path("store").path("entries").asLong(-1));
    }

    @Test
    void aBombThatStartsAsARecordIsRefusedPastTheLargestRecordOfThisProxysSettings() throws Exception {
        byte[] header = recordHeader();
        Path cacheDir = work.resolve("cache");
        TestProxy proxy = fixture.another(cacheDir, "cache/maxEntryMB", "1", "maxBodyBytes", "65536");
        byte[] bomb = new ZipBomb().add("_default/openai/looks-right.mcr", header, 1L << 30).bytes();
        HttpResponse<String> refused = post(proxy, "/_cache/import", bomb, "application/zip");
        assertEquals(413, refused.statusCode(), refused.body());
        long largest = MIB + (2 * 65536 + MIB / 2 + MIB);
        assertTrue(error(refused).path("message").asText().contains("looks-right.mcr is larger than " + largest + " bytes"),
                refused.body());
        assertNothingUnpacked(cacheDir);
    }

    @Test
    void aZipThatInflatesToMoreThanAGibibyteInAllIsRefusedWith413() throws Exception {
        Path cacheDir = work.resolve("cache");
        TestProxy proxy = fixture.another(cacheDir);
        ZipBomb zip = new ZipBomb();
        for (int i = 0; i < 7; i++) {
            zip.add("notes-" + i + ".txt", new byte[0], 155 * MIB);
        }
        HttpResponse<String> refused = post(proxy, "/_cache/import", zip.bytes(), "application/zip");
        assertEquals(413, refused.statusCode(), refused.body());
        assertTrue(error(refused).path("message").asText().contains("unpacks to more than " + (1L << 30) + " bytes"),
                refused.body());
        assertNothingUnpacked(cacheDir);
    }

    @Test
    void aZipSentAsCurlSendsAFileIsImportedAndNoBodyBytesAreLogged() throws Exception {
        TestProxy recorder = fixture.another(work.resolve("recorder"));
        recorder.post(TestProxy.CHAT, ASK, "Authorization", "Bearer sk-alice");
        recorder.settledStats();
        byte[] zip = CassetteRoundTripIntegrationTest.exportZip(recorder, "");
        String entryName;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            entryName = in.getNextEntry().getName();
        }

        TestProxy fresh = fixture.another(work.resolve("fresh"), "cache/shared", "true");
        HttpResponse<String> imported = post(fresh, "/_cache/import?namespace=suite", zip, "application/x-www-form-urlencoded");
        assertEquals(200, imported.statusCode(), imported.body());
        assertEquals(1, JSON.readTree(imported.body()).path("imported").asInt(), imported.body());
        HttpResponse<String> hit = fresh.post(TestProxy.CHAT, ASK, "X-Cache-Namespace", "suite");
        assertEquals("HIT", xCache(hit), "imported into the namespace of the query");
        assertEquals(200, post(fresh, "/_cache/import", zip, null).statusCode(), "no Content-Type at all");

        HttpResponse<String> notAZip = post(fresh, "/_cache/import", "not%zz a zip=PK%00".getBytes(StandardCharsets.ISO_8859_1),
                "application/x-www-form-urlencoded");
        assertEquals(400, notAZip.statusCode(), notAZip.body());
        assertEquals("invalid_cassettes", error(notAZip).path("code").asText());
        HttpResponse<String> reset = post(fresh, "/_cache/report/reset?namespace=suite", zip, "application/x-www-form-urlencoded");
        assertEquals(200, reset.statusCode(), "no admin endpoint reads its body as a form: " + reset.body());
        HttpResponse<String> form = post(fresh, "/_cache/import", zip, "multipart/form-data; boundary=x");
        assertEquals(415, form.statusCode(), form.body());
        assertTrue(error(form).path("message").asText().contains("application/zip"), form.body());

        for (LogRecord record : capture.records) {
            String text = record.getMessage() + " " + (record.getThrown() == null ? "" : record.getThrown().toString());
            assertFalse(text.contains(entryName) || text.contains("PK") || text.contains("not%zz") || text.contains("a zip="),
                    "body bytes in the log: " + text);
            assertFalse(record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue(), "logged as a failure: " + text);
        }
    }
}
