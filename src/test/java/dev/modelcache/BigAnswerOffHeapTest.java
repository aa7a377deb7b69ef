package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 64 MB streamed answer is stored and served again by a proxy whose heap is 256 MB: the proxy runs in a separate
 * JVM ({@code -Xmx256m}, exiting on an OutOfMemoryError), the fake provider in this one. Storing used to read the
 * whole spill file back into one array and copy every event out of it, which does not fit beside the rest.
 */
class BigAnswerOffHeapTest {
    static final int EVENTS = 4096;
    static final int CONTENT_CHARS = 16 * 1024;
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a long one\"}]}";

    @TempDir
    Path dir;

    /** The proxy: starts, prints its port, and serves until its parent kills it. */
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = TestProxy.settings(args[0], Path.of(args[1]));
        settings.put("cache/maxEntryMB", "100");
        settings.put("upstream/responseTimeout", "120");
        TestProxy proxy = TestProxy.start(settings);
        System.out.println(proxy.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static List<String> events() {
        List<String> events = new ArrayList<>();
        String content = "x".repeat(CONTENT_CHARS);
        for (int i = 0; i < EVENTS; i++) {
            events.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":"
                    + "[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n");
        }
        events.add("data: [DONE]\n\n");
        return events;
    }

    @Test
    void aSixtyFourMegabyteAnswerIsStoredAndServedUnderA256MegabyteHeap() throws Exception {
        List<String> events = events();
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        long size = 0;
        for (String event : events) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            expected.update(bytes);
            size += bytes.length;
        }
        assertTrue(size > 64L * 1024 * 1024, "the answer is over 64 MB: " + size);
        String wanted = HexFormat.of().formatHex(expected.digest());
        Path log = dir.resolve("proxy.log");
        try (FakeUpstream upstream = FakeUpstream.start().handler(request -> Reply.sse(events))) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                    BigAnswerOffHeapTest.class.getName(), upstream.baseUrl(), dir.resolve("cache").toString())
                    .redirectError(log.toFile()).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String port = out.readLine();
                assertNotNull(port, "the proxy started: " + Files.readString(log));
                URI uri = URI.create("http://127.0.0.1:" + port.trim() + CHAT);
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

                Answer miss = send(client, uri);
                assertEquals("MISS", miss.label());
                assertEquals(wanted, miss.sha256(), "the first answer is relayed whole");
                Answer hit;
                try {
                    hit = send(client, uri);
                } catch (IOException e) {
                    child.waitFor(60, TimeUnit.SECONDS);
                    // -XX:+ExitOnOutOfMemoryError exits with 3 after "Terminating due to java.lang.OutOfMemoryError".
                    throw new AssertionError("the proxy died storing the answer (exit " + child.exitValue() + ", "
                            + out.readLine() + "): " + Files.readString(log), e);
                }
                assertTrue(child.isAlive(), "the proxy survived: " + Files.readString(log));
                assertEquals("HIT", hit.label(), "the 64 MB answer was stored");
                assertEquals(wanted, hit.sha256(), "and is served byte for byte");
                assertEquals(1, upstream.calls());
                assertFalse(Files.readString(log).contains("OutOfMemoryError"), Files.readString(log));
            } finally {
                child.destroyForcibly();
                child.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    record Answer(String label, String sha256) {
    }

    /** Sends the request and hashes the answer as it streams in. */
    static Answer send(HttpClient client, URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-alice")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = response.body()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return new Answer(response.headers().firstValue("X-Cache").orElse(""), HexFormat.of().formatHex(sha.digest()));
    }
}
