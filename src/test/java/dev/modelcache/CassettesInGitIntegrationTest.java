package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.Settings;
import dev.modelcache.launcher.Commands;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassettes kept in git (issue 18, item 3), over a real proxy and a fake upstream that answers with fresh request
 * ids, processing times and rate-limit counters at every call: a re-recording of the same answers leaves the folder
 * byte for byte as it was; an answer edited by hand in a cassette replays as edited; {@code cache/redact} keeps
 * secrets out of record files and cassettes while the same request still hits, live and from the cassette; and the
 * exported file carries the {@code X-Cache-Key} the recording showed when the cache is shared, and otherwise
 * {@code GET /_cache/entries/<X-Cache-Key>} names the file.
 */
class CassettesInGitIntegrationTest {
    static final String PLAIN = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
            + "\"system_fingerprint\":\"fp_ANSWER_SECRET_42\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hi!\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}";

    @TempDir
    Path work;
    FakeUpstream upstream;
    final AtomicInteger calls = new AtomicInteger();
    final List<TestProxy> proxies = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (TestProxy proxy : proxies) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** A provider whose every answer carries fields that change at every call. */
    void startUpstream() throws Exception {
        upstream = FakeUpstream.start().handler(r -> {
            int n = calls.incrementAndGet();
            Reply reply = r.bodyText().contains("\"stream\":true") ? Reply.sse(CHAT_EVENTS).pauseEach(n % 3)
                    : Reply.json(200, ANSWER);
            return reply.header("x-request-id", "req_" + n + "_" + System.nanoTime())
                    .header("openai-processing-ms", "" + (100 + n))
                    .header("openai-version", "2020-10-01")
                    .header("x-ratelimit-remaining-requests", "" + (5000 - n))
                    .header("x-trace-id", "trace-" + n);
        });
    }

    TestProxy proxy(Path cacheDir, Clock clock, String... settings) throws Exception {
        Map<String, String> config = TestProxy.settings(upstream.baseUrl(), cacheDir);
        for (int i = 0; i + 1 < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        TestProxy proxy = TestProxy.start(config, clock);
        proxies.add(proxy);
        return proxy;
    }

    static HttpResponse<String> send(TestProxy proxy, String body) throws Exception {
        HttpResponse<String> response = proxy.post(TestProxy.CHAT, body, "Authorization", "Bearer sk-test-GIT-0123456789");
        proxy.settledStats();
        return response;
    }

    /** {@code java -jar modelcache.war export --to folder} of the records in {@code cacheDir}; its output line. */
    static String export(Path cacheDir, Path folder, String... settings) {
        Map<String, String> config = new HashMap<>(Map.of("cache/dir", cacheDir.toString()));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Commands.run(new String[] {"export", "--to", folder.toString()}, Settings.of(config),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every file below {@code folder}, by relative name, with its bytes as text. */
    static Map<String, String> files(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(file).toString(), Files.readString(file));
            }
        }
        return files;
    }

    @Test
    void reRecordingTheSameAnswersALaterDayLeavesTheCassetteFolderByteIdentical() throws Exception {
        startUpstream();
        Path cassettes = work.resolve("cassettes");
        TestProxy first = proxy(work.resolve("cache-1"), Clock.systemUTC());
        assertEquals("MISS", send(first, PLAIN).headers().firstValue("X-Cache").orElseThrow());
        assertEquals("MISS", send(first, STREAM).headers().firstValue("X-Cache").orElseThrow());
        export(work.resolve("cache-1"), cassettes, "cache/cassetteDropHeaders", "x-trace-*");
        Map<String, String> committed = files(cassettes);
        assertEquals(2, committed.size(), committed.keySet().toString());
        for (String text : committed.values()) {
            assertFalse(text.contains("x-request-id") || text.contains("openai-processing-ms") || text.contains("trace-"), text);
            assertTrue(text.contains("openai-version"), "a field that does not change is kept");
            assertTrue(text.matches("(?s).*\"storedAt\" : \"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\".*"), text);
        }

        // The same answers recorded again a day later, into a fresh cache, exported over the committed folder.
        TestProxy again = proxy(work.resolve("cache-2"), Clock.offset(Clock.systemUTC(), Duration.ofDays(1)));
        assertEquals("MISS", send(again, PLAIN).headers().firstValue("X-Cache").orElseThrow());
        assertEquals("MISS", send(again, STREAM).headers().firstValue("X-Cache").orElseThrow());
        assertEquals(4, calls.get(), "both recordings reached the provider");
        String line = export(work.resolve("cache-2"), cassettes, "cache/cassetteDropHeaders", "x-trace-*");
        assertTrue(line.contains("0 written, 2 unchanged"), line);
        assertEquals(committed, files(cassettes), "no diff for git");
    }

    @Test
    void anAnswerEditedByHandInACassetteReplaysAsEdited() throws Exception {
        startUpstream();
        TestProxy recorder = proxy(work.resolve("cache"), Clock.systemUTC());
        send(recorder, PLAIN);
        send(recorder, STREAM);
        Path cassettes = work.resolve("cassettes");
        export(work.resolve("cache"), cassettes);
        for (Path file : files(cassettes).keySet().stream().map(cassettes::resolve).toList()) {
            String text = Files.readString(file);
            Files.writeString(file, text.replace("\"content\":\"Hi!\"", "\"content\":\"Hello, edited by hand!\"")
                    .replace("\"content\":\" there\"", "\"content\":\" there, edited\""));
        }
        int before = calls.get();
        LogCapture log = new LogCapture();
        Logger logger = Logger.getLogger("dev.modelcache.replay.cassette.HandEdits");
        logger.addHandler(log);
        try {
            TestProxy replay = proxy(work.resolve("empty-cache"), Clock.systemUTC(), "cache/mode", "replay", "cache/shared", "true",
                    "cache/cassettes", cassettes.toString());
            HttpResponse<String> plain = send(replay, PLAIN);
            assertEquals("HIT", plain.headers().firstValue("X-Cache").orElseThrow(), plain.body());
            assertTrue(plain.body().contains("\"content\":\"Hello, edited by hand!\""), plain.body());
            HttpResponse<String> stream = send(replay, STREAM);
            assertEquals("HIT", stream.headers().firstValue("X-Cache").orElseThrow(), stream.body());
            assertTrue(stream.body().contains("\"content\":\" there, edited\""), stream.body());
            assertTrue(stream.body().endsWith("data: [DONE]\n\n"), stream.body());
            assertEquals(2, log.records.stream().filter(r -> r.getMessage().contains("was edited")).count(),
                "one line per edited cassette, at the start");
        } finally {
            logger.removeHandler(log);
        }
        assertEquals(before, calls.get(), "replayed offline");
    }

    @Test
    void redactedValuesNeverReachRecordsOrCassettesAndTheSameRequestStillHits() throws Exception {
        startUpstream();
        String secret = "tok-BODY-SECRET-9f8e7d";
        String request = "{\"model\":\"gpt-4o-mini\",\"api_token\":\"" + secret + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String[] redact = {"cache/redact", "/api_token,/system_fingerprint,x-trace-id"};
        TestProxy proxy = proxy(work.resolve("cache"), Clock.systemUTC(), redact);
        HttpResponse<String> live = send(proxy, request);
        assertEquals("MISS", live.headers().firstValue("X-Cache").orElseThrow());
        assertTrue(live.body().contains("fp_ANSWER_SECRET_42"), "the caller that made the call gets the answer whole");

        String record = String.join("\n", files(work.resolve("cache/records")).values());
        assertFalse(record.contains(secret) || record.contains("fp_ANSWER_SECRET_42") || record.contains("trace-1"), record);
        assertTrue(record.contains("\"api_token\" : \"REDACTED sha256:"), record);
        assertTrue(record.contains("\"system_fingerprint\":\"REDACTED\""), record);

        HttpResponse<String> hit = send(proxy, request);
        assertEquals("HIT", hit.headers().firstValue("X-Cache").orElseThrow());
        assertTrue(hit.body().contains("\"system_fingerprint\":\"REDACTED\""), "a hit gets what is stored: " + hit.body());
        assertEquals("MISS", send(proxy, request.replace(secret, "another-token")).headers().firstValue("X-Cache").orElseThrow(),
                "two requests that differ only in a redacted value are two entries");

        Path cassettes = work.resolve("cassettes");
        export(work.resolve("cache"), cassettes, redact);
        String cassette = String.join("\n", files(cassettes).values());
        assertFalse(cassette.contains(secret) || cassette.contains("fp_ANSWER_SECRET_42"), cassette);
        int before = calls.get();
        TestProxy replay = proxy(work.resolve("empty-cache"), Clock.systemUTC(), "cache/mode", "replay", "cache/shared", "true",
                "cache/cassettes", cassettes.toString(), redact[0], redact[1]);
        HttpResponse<String> replayed = send(replay, request);
        assertEquals("HIT", replayed.headers().firstValue("X-Cache").orElseThrow(), replayed.body());
        assertTrue(replayed.body().contains("\"system_fingerprint\":\"REDACTED\""), replayed.body());
        assertEquals(before, calls.get());

        // A replaying proxy without the same cache/redact keys the request by its secret: it says so at the start.
        LogCapture log = new LogCapture();
        Logger logger = Logger.getLogger("dev.modelcache.replay.cassette.CassetteStore");
        logger.addHandler(log);
        try {
            TestProxy unaware = proxy(work.resolve("other-cache"), Clock.systemUTC(), "cache/mode", "replay",
                    "cache/shared", "true", "cache/cassettes", cassettes.toString());
            assertEquals("MISS", send(unaware, request).headers().firstValue("X-Cache").orElseThrow());
            assertTrue(log.records.stream().anyMatch(r -> r.getMessage().contains("cache/redact naming /api_token")),
                    "warned at the start");
        } finally {
            logger.removeHandler(log);
        }
    }

    @Test
    void withACachedSharedTheExportedFileCarriesTheXCacheKeyTheRecordingShowed() throws Exception {
        startUpstream();
        TestProxy proxy = proxy(work.resolve("cache"), Clock.systemUTC(), "cache/shared", "true");
        String key = send(proxy, PLAIN).headers().firstValue("X-Cache-Key").orElseThrow();
        Path cassettes = work.resolve("cassettes");
        export(work.resolve("cache"), cassettes, "cache/shared", "true");
        assertEquals(List.of("_default/openai/v1-chat-completions/gpt-4o-mini-" + key + ".mcr"),
                List.copyOf(files(cassettes).keySet()));
    }

    @Test
    void unsharedTheEntryEndpointOfTheXCacheKeyNamesTheFileTheExportWrites() throws Exception {
        startUpstream();
        TestProxy proxy = proxy(work.resolve("cache"), Clock.systemUTC());
        String key = send(proxy, PLAIN).headers().firstValue("X-Cache-Key").orElseThrow();
        Path cassettes = work.resolve("cassettes");
        export(work.resolve("cache"), cassettes);
        String file = List.copyOf(files(cassettes).keySet()).get(0);
        assertFalse(file.contains(key), "the caller's key is not the shared key the file is named by");
        HttpResponse<String> entry = proxy.get("/_cache/entries/" + key);
        assertEquals(200, entry.statusCode(), entry.body());
        assertEquals(file, new com.fasterxml.jackson.databind.ObjectMapper().readTree(entry.body()).path("cassetteFile").asText());
    }
}
