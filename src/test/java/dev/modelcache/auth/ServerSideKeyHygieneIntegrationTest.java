package dev.modelcache.auth;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server-side key and a proxy key never reach a client, a log, a record, an export or an error message: a run
 * with refusals, misses, hits, streams, a provider's error and an unreachable provider, after which every response
 * (status line fields, headers and body), every log record and every file under the cache folder is searched for
 * both.
 */
class ServerSideKeyHygieneIntegrationTest {
    static final String SERVER_KEY = ProxyKeyIntegrationTest.SERVER_KEY;
    static final String PROXY_KEY = ProxyKeyIntegrationTest.ALICE;
    static final String BODY = ProxyKeyIntegrationTest.BODY;
    static final String ADMIN = "Bearer admin-token-1234";

    @TempDir
    Path cacheDir;
    FakeUpstream upstream;
    final List<String> outputs = new ArrayList<>();
    final LogCapture capture = new LogCapture();
    final List<LogRecord> records = capture.records;

    @BeforeEach
    void start() throws Exception {
        Logger.getLogger("").addHandler(capture);
        upstream = FakeUpstream.start().handler(r -> r.bodyText().contains("\"stream\":true") ? Reply.sse(CHAT_EVENTS)
                : r.bodyText().contains("fail") ? Reply.json(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}")
                : Reply.json(200, CHAT_ANSWER));
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("").removeHandler(capture);
        upstream.close();
    }

    @Test
    void neitherKeyIsInAnyResponseLogLineOrFile() throws Exception {
        String bearer = "Bearer " + PROXY_KEY;
        String stream = BODY.replace("{", "{\"stream\":true,");
        try (TestProxy proxy = TestProxy.start(ProxyKeyIntegrationTest.settings(upstream.baseUrl(), cacheDir))) {
            keep(proxy.post(CHAT, BODY));
            keep(proxy.post(CHAT, BODY, "Authorization", "Bearer " + PROXY_KEY + "x"));
            keep(proxy.post(CHAT, BODY, "Authorization", bearer));
            keep(proxy.post(CHAT, BODY, "x-api-key", PROXY_KEY));
            keep(proxy.post(CHAT, stream, "Authorization", bearer));
            keep(proxy.post(CHAT, stream, "Authorization", bearer));
            keep(proxy.post(CHAT, BODY.replace("Say hi", "fail"), "Authorization", bearer));
            keep(proxy.post(CHAT, "{\"model\":\"claude-x\"}", "Authorization", bearer));
            keep(proxy.post(CHAT, "{not json", "Authorization", bearer));
            keep(proxy.get("/v1/models", "Authorization", bearer));
            for (String admin : List.of("/_cache/stats", "/_cache/entries", "/_cache/report", "/_cache/health")) {
                keep(proxy.get(admin, "Authorization", ADMIN));
            }
            HttpResponse<byte[]> zip = proxy.client().send(HttpRequest.newBuilder(proxy.uri("/_cache/export"))
                    .header("Authorization", ADMIN).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, zip.statusCode());
            outputs.add(new String(zip.body(), StandardCharsets.ISO_8859_1));
            outputs.add(proxy.app().config().toString());
            outputs.add(proxy.app().providers().providers().toString());
            proxy.settledStats();
        }
        upstream.close();
        try (TestProxy proxy = TestProxy.start(ProxyKeyIntegrationTest.settings(upstream.baseUrl(), cacheDir))) {
            HttpResponse<String> unreachable = proxy.post(CHAT, BODY.replace("Say hi", "again"), "Authorization", bearer);
            assertEquals(502, unreachable.statusCode(), unreachable.body());
            keep(unreachable);
        }
        assertTrue(upstream.requests().size() >= 4, "misses reached the provider: " + upstream.requests().size());
        assertTrue(upstream.requests().stream().allMatch(r -> ("Bearer " + SERVER_KEY).equals(r.header("Authorization"))),
                "the provider did get the server-side key");
        assertFalse(outputs.isEmpty());
        for (String output : outputs) {
            assertAbsent(output, "a response");
        }
        for (LogRecord record : records) {
            assertAbsent(logText(record), "a log record");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(cacheDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.toString().contains("records")), "records were written: " + files);
        for (Path file : files) {
            assertAbsent(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1), file.toString());
        }
    }

    private void keep(HttpResponse<String> answer) {
        StringBuilder text = new StringBuilder().append(answer.statusCode()).append('\n');
        answer.headers().map().forEach((name, values) -> text.append(name).append(": ").append(values).append('\n'));
        outputs.add(text.append(answer.body()).toString());
    }

    private static String logText(LogRecord record) {
        StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
        if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
                text.append(' ').append(parameter);
            }
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            text.append(' ').append(t);
        }
        return text.toString();
    }

    private static void assertAbsent(String text, String where) {
        for (String secret : new String[] {SERVER_KEY, PROXY_KEY}) {
            assertFalse(text.contains(secret), where + " carries " + (secret.equals(SERVER_KEY) ? "the server-side key"
                    : "a proxy key") + ": " + text.substring(0, Math.min(400, text.length())));
        }
    }
}
