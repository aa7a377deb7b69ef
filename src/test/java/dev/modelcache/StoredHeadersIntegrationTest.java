package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.ProxyExtension.xCache;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.RawClient;
import dev.modelcache.support.TestProxy;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored answer replays only the header fields of the allow-list, whether it was stored from a live answer,
 * imported from a zip, or served from a cassette folder: a cassette that names {@code Transfer-Encoding} and
 * {@code Content-Length} together, {@code Connection} or {@code Set-Cookie} replays a well-formed answer without
 * them. A live answer still reaches the client that asked for it as the provider sent it.
 */
class StoredHeadersIntegrationTest {
    static final String PLAIN = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** Fields a hand-made cassette adds to every answer's header list. */
    static final String EVIL = "[\"Transfer-Encoding\", \"chunked\"], [\"Content-Length\", \"5\"], [\"Connection\", \"close\"],"
            + " [\"Keep-Alive\", \"timeout=1\"], [\"Set-Cookie\", \"session=stolen\"], [\"Upgrade\", \"h2c\"],"
            + " [\"Trailer\", \"x-evil\"], [\"x-request-id\", \"req\\r\\nSet-Cookie: injected=1\"], [\"Server\", \"evil\"],";

    @TempDir
    Path work;
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension();


    void startUpstream() throws Exception {
        fixture.handler(r -> r.bodyText().contains("\"stream\":true")
                ? Reply.sse(CHAT_EVENTS).header("Set-Cookie", "__cf_bm=stream-cookie; Path=/").header("Server", "upstream")
                : Reply.json(200, CHAT_ANSWER).header("Server", "upstream"));
    }

    @Test
    void aLiveAnswersCookieReachesItsOwnClientButIsNeitherStoredNorReplayed() throws Exception {
        startUpstream();
        TestProxy proxy = fixture.another(work.resolve("cache"));
        HttpResponse<String> miss = proxy.post(TestProxy.CHAT, PLAIN, "Authorization", "Bearer sk-raw");
        assertEquals("MISS", xCache(miss));
        assertEquals("__cf_bm=secret-cookie; Path=/", miss.headers().firstValue("Set-Cookie").orElse(null),
                "the client that asked gets the provider's answer as it was sent");
        assertEquals("upstream", miss.headers().firstValue("Server").orElse(null));
        proxy.settledStats();

        RawAnswer hit = raw(proxy, PLAIN);
        assertEquals("HIT", hit.header("X-Cache"));
        assertEquals(CHAT_ANSWER, hit.body);
        assertEquals(List.of(), hit.all("Set-Cookie"));
        assertEquals(List.of(), hit.all("Server"));
        assertEquals("req_fake", hit.header("x-request-id"), "the request id is replayed");
        assertEquals("12", hit.header("openai-processing-ms"));
    }

    @Test
    void anImportedCassetteWithFramingConnectionAndCookieFieldsReplaysAWellFormedAnswerWithoutThem() throws Exception {
        startUpstream();
        TestProxy recorder = fixture.another(work.resolve("cache-1"));
        recorder.post(TestProxy.CHAT, PLAIN, "Authorization", "Bearer sk-alice");
        recorder.post(TestProxy.CHAT, STREAM, "Authorization", "Bearer sk-alice");
        recorder.settledStats();
        Path cassettes = work.resolve("cassettes");
        CassetteRoundTripIntegrationTest.unzip(CassetteRoundTripIntegrationTest.exportZip(recorder, ""), cassettes);
        byte[] zip = poison(cassettes);

        TestProxy imported = fixture.another(work.resolve("cache-2"), "cache/shared", "true");
        HttpResponse<String> answer = imported.client().send(HttpRequest.newBuilder(imported.uri("/_cache/import"))
                .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(zip)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"imported\":2"), answer.body());
        assertWellFormedWithoutThem(imported);

        TestProxy fromFolder = fixture.another(work.resolve("cache-3"), "cache/cassettes", cassettes.toString(), "cache/mode",
                "replay", "cache/shared", "true");
        assertWellFormedWithoutThem(fromFolder);
    }

    private static void assertWellFormedWithoutThem(TestProxy proxy) throws Exception {
        RawAnswer plain = raw(proxy, PLAIN);
        assertEquals("HIT", plain.header("X-Cache"), plain.head);
        assertEquals(CHAT_ANSWER, plain.body, plain.head);
        assertEquals(List.of(Integer.toString(CHAT_ANSWER.getBytes(StandardCharsets.UTF_8).length)), plain.all("Content-Length"),
                plain.head);
        assertTheyAreGone(plain);

        RawAnswer stream = raw(proxy, STREAM);
        assertEquals("HIT", stream.header("X-Cache"), stream.head);
        assertEquals(List.of("chunked"), stream.all("Transfer-Encoding"), stream.head);
        assertEquals(List.of(), stream.all("Content-Length"), stream.head);
        assertEquals(String.join("", CHAT_EVENTS), stream.body);
        assertTheyAreGone(stream);
    }

    private static void assertTheyAreGone(RawAnswer answer) {
        for (String name : List.of("Connection", "Keep-Alive", "Set-Cookie", "Upgrade", "Trailer", "Server", "injected")) {
            assertEquals(List.of(), answer.all(name), name + " in\n" + answer.head);
        }
        assertFalse(answer.head.toLowerCase(Locale.ROOT).contains("stolen"), answer.head);
        assertFalse(answer.head.contains("injected"), answer.head);
    }

    /** Adds {@link #EVIL} to the header list of every record file below {@code folder}; the folder zipped. */
    private static byte[] poison(Path folder) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                String poisoned = text.replaceFirst("\"headers\" : \\[", "\"headers\" : [ " + java.util.regex.Matcher.quoteReplacement(EVIL));
                assertFalse(poisoned.equals(text), "the header list of " + file);
                Files.write(file, poisoned.getBytes(StandardCharsets.ISO_8859_1));
                zip.putNextEntry(new ZipEntry(folder.relativize(file).toString().replace('\\', '/')));
                zip.write(poisoned.getBytes(StandardCharsets.ISO_8859_1));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** One answer as it came over the wire: its head and its (de-chunked) body. */
    record RawAnswer(String head, String body) {
        List<String> all(String name) {
            List<String> values = new ArrayList<>();
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return values;
        }

        String header(String name) {
            List<String> values = all(name);
            return values.isEmpty() ? null : values.get(0);
        }
    }

    /** Posts {@code json} on a raw keep-alive connection and reads the answer the way a strict client would. */
    static RawAnswer raw(TestProxy proxy, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (RawClient client = new RawClient(proxy.port())) {
            String text = client.send(RawClient.postHead(TestProxy.CHAT, body.length) + json).readAnswer();
            int end = text.indexOf("\r\n\r\n");
            String head = text.substring(0, end);
            String rest = text.substring(end + 4);
            RawAnswer answer = new RawAnswer(head, rest);
            assertFalse(!answer.all("Transfer-Encoding").isEmpty() && !answer.all("Content-Length").isEmpty(),
                    "an ambiguous message, both Transfer-Encoding and Content-Length:\n" + head);
            if (!answer.all("Transfer-Encoding").isEmpty()) {
                return new RawAnswer(head, new String(dechunk(rest).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            }
            return new RawAnswer(head, new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                assertEquals("\r\n", chunked.substring(lineEnd + 2), "the chunked body ends cleanly");
                return out.toString();
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            assertEquals("\r\n", chunked.substring(lineEnd + 2 + size, lineEnd + 4 + size));
            at = lineEnd + 4 + size;
        }
    }
}
