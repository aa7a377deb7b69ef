package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;

import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.FakeUpstream.Request;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the deployment tests share: where the build put things (system properties set by failsafe in pom.xml),
 * the fake provider's answers, and the one check every way of running ModelCache must pass: health, a plain
 * chat completion missed then hit, and a streamed one missed then hit with byte-identical bytes.
 */
final class Deployment {
    static final String CHAT = "/v1/chat/completions";

    static final String PLAIN_REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    static final String STREAM_REQUEST = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to two\"}]}";

    /** OpenAI chat completion chunks as api.openai.com streams them, ending with [DONE]. */
    static final List<String> EVENTS = List.of(
            "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"One, \"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"two.\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n");

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Deployment() {
    }

    /** target/modelcache.war, as the package phase built it. */
    static Path war() {
        Path war = Path.of(required("modelcache.it.war"));
        assertTrue(Files.isRegularFile(war), "no WAR at " + war + ": run the integration tests through mvn verify");
        return war;
    }

    /** The project's webapp-config/ folder (context.xml, jetty-env.xml, jetty-context.xml). */
    static Path webappConfig(String file) {
        return Path.of(required("modelcache.it.webappConfig")).resolve(file);
    }

    /**
     * A new, empty folder under target/it/ for one test run. The folders of earlier runs stay for diagnosis
     * until they are an hour old (a younger one may belong to a build running right now in the same tree).
     */
    static Path freshDir(String name) throws IOException {
        Path work = Path.of(required("modelcache.it.workDir"));
        Files.createDirectories(work);
        FileTime stale = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        try (Stream<Path> old = Files.list(work)) {
            for (Path dir : old.filter(d -> d.getFileName().toString().startsWith(name + "-")).toList()) {
                if (Files.getLastModifiedTime(dir).compareTo(stale) < 0) {
                    deleteTree(dir);
                }
            }
        }
        return Files.createTempDirectory(work, name + "-");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            fail("system property " + property + " is not set: the integration tests run through mvn verify (failsafe, see pom.xml)");
        }
        return value;
    }

    /** The fake provider: a stream of {@link #EVENTS} when the body asks for one, else {@code CHAT_ANSWER}. */
    static FakeUpstream startUpstream() throws IOException {
        return FakeUpstream.start().handler(Deployment::answer);
    }

    private static Reply answer(Request request) {
        String body = request.bodyText();
        return body.contains("\"stream\":true") ? Reply.sse(EVENTS) : Reply.json(200, CHAT_ANSWER);
    }

    /** A port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code text} with its one occurrence of {@code from} replaced; fails when there is not exactly one. */
    static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            fail("expected exactly one '" + from + "' in the configuration file the test derives from");
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    /** Removes every MODELCACHE_* variable, which would override the configuration under test. */
    static void clearModelCacheVariables(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("MODELCACHE_"));
    }

    /**
     * Waits until {@code base + /_cache/health} answers 200, failing early when {@code alive} turns false;
     * {@code diagnostics} is added to the failure message (e.g. the server's log).
     */
    static void awaitHealthy(URI base, Duration timeout, BooleanSupplier alive, Supplier<String> diagnostics)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                fail("the server stopped before it was healthy:\n" + diagnostics.get());
            }
            try {
                if (get(base, "/_cache/health").statusCode() == 200) {
                    return;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // starting up
            }
            Thread.sleep(100);
        }
        fail("no healthy answer from " + base + " within " + timeout + ":\n" + diagnostics.get());
    }

    static HttpResponse<byte[]> get(URI base, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(URI base, String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-deployment-test")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static String xCache(HttpResponse<?> response) {
        return response.headers().firstValue("X-Cache").orElse("(none)");
    }

    /** Health answers 200 JSON naming the default table's providers, Anthropic, Gemini and OpenAI (in name order). */
    static void assertHealthy(URI base) throws IOException, InterruptedException {
        HttpResponse<byte[]> health = get(base, "/_cache/health");
        assertEquals(200, health.statusCode(), () -> "health: " + text(health));
        assertTrue(health.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> "health Content-Type: " + health.headers().firstValue("Content-Type"));
        JsonNode json = JSON.readTree(health.body());
        assertEquals("ok", json.path("status").asText(), () -> "health: " + text(health));
        assertEquals("[\"anthropic\",\"gemini\",\"openai\"]", json.path("providers").toString(), () -> "health: " + text(health));
    }

    /**
     * A plain chat completion: MISS then HIT with the provider called once; a streamed one: MISS (relayed as an
     * event stream) then HIT with byte-identical body, the provider called once more. Every check of the three
     * deployments, so a difference between containers shows up as the same failing assertion.
     */
    static void assertCachesPlainAndStreamedAnswers(URI base, FakeUpstream upstream) throws IOException, InterruptedException {
        int before = upstream.calls();

        HttpResponse<byte[]> miss = post(base, CHAT, PLAIN_REQUEST);
        assertEquals(200, miss.statusCode(), () -> "first plain request: " + text(miss));
        assertEquals("MISS", xCache(miss));
        assertEquals(CHAT_ANSWER, text(miss));
        HttpResponse<byte[]> hit = post(base, CHAT, PLAIN_REQUEST);
        assertEquals(200, hit.statusCode(), () -> "second plain request: " + text(hit));
        assertEquals("HIT", xCache(hit));
        assertEquals(CHAT_ANSWER, text(hit));
        assertEquals(before + 1, upstream.calls(), "the provider answers the plain request once");

        HttpResponse<byte[]> streamMiss = post(base, CHAT, STREAM_REQUEST);
        assertEquals(200, streamMiss.statusCode(), () -> "first streamed request: " + text(streamMiss));
        assertEquals("MISS", xCache(streamMiss));
        assertTrue(streamMiss.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                () -> "streamed Content-Type: " + streamMiss.headers().firstValue("Content-Type"));
        assertEquals(String.join("", EVENTS), text(streamMiss));
        HttpResponse<byte[]> streamHit = post(base, CHAT, STREAM_REQUEST);
        assertEquals(200, streamHit.statusCode(), () -> "second streamed request: " + text(streamHit));
        assertEquals("HIT", xCache(streamHit));
        assertTrue(streamHit.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                () -> "replayed Content-Type: " + streamHit.headers().firstValue("Content-Type"));
        assertArrayEquals(streamMiss.body(), streamHit.body(), "the replayed stream is byte-identical");
        assertTrue(text(streamHit).endsWith("data: [DONE]\n\n"));
        assertEquals(before + 2, upstream.calls(), "the provider answers the streamed request once");

        for (FakeUpstream.Request seen : upstream.requests().subList(before, upstream.requests().size())) {
            assertEquals(CHAT, seen.target(), "the proxy forwards the path as it came");
        }
    }
}
