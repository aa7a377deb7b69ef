package dev.modelcache.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.OpenAiFixtures.CHAT_EVENTS;
import static dev.modelcache.support.OpenAiFixtures.RESPONSES_EVENTS;

import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.FakeUpstream.Request;
import dev.modelcache.support.ProxyExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Node SDK ({@code src/test/sdk}, installed by the build's {@code npm ci}) as a user runs it
 * against the proxy: every request twice, and the SDK must hand its caller the same chunks from the cache as it
 * handed them from the provider. Fails, never skips, when node or the SDK is missing.
 */
class OpenAiNodeSdkIT {
    static final String CHAT = "/v1/chat/completions";
    static final String RESPONSES = "/v1/responses";

    static final ObjectMapper JSON = new ObjectMapper();
    static final long TIMEOUT_SECONDS = 60;

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(OpenAiNodeSdkIT::answer);

    /** The fake provider answers by path, and for chat completions by the request's {@code stream} flag. */
    static Reply answer(Request request) {
        try {
            if (request.target().startsWith(RESPONSES)) {
                return Reply.sse(RESPONSES_EVENTS);
            }
            if (request.target().startsWith(CHAT)) {
                return JSON.readTree(request.body()).path("stream").asBoolean(false)
                        ? Reply.sse(CHAT_EVENTS) : Reply.json(200, CHAT_ANSWER);
            }
            return Reply.json(404, "{\"error\":{\"message\":\"no fake for " + request.target() + "\",\"type\":\"invalid_request_error\"}}");
        } catch (IOException e) {
            return Reply.json(400, "{\"error\":{\"message\":\"fake could not parse the body\",\"type\":\"invalid_request_error\"}}");
        }
    }

    @Test
    void theSdkGetsTheSameChunksFromTheCacheAsFromTheProvider() throws Exception {
        JsonNode result = runSdk(fixture.proxy().uri("/v1").toString());

        // Chat completions, streamed.
        assertEquals("MISS", result.path("first").path("xcache").asText(null), "first streamed chat: " + result.path("first"));
        assertEquals("HIT", result.path("second").path("xcache").asText(null), "second streamed chat: " + result.path("second"));
        JsonNode expectedChunks = dataPayloads(CHAT_EVENTS);
        assertEquals(expectedChunks, result.path("first").path("chunks"),
                "the SDK's chunks on the miss are what the provider sent");
        assertEquals(result.path("first").path("chunks"), result.path("second").path("chunks"),
                "the SDK's chunks from the cache are the ones it got from the provider");

        // Chat completions, not streamed.
        JsonNode nonStream = result.path("nonStream");
        assertEquals("MISS", nonStream.path("first").path("xcache").asText(null), "first plain chat: " + nonStream.path("first"));
        assertEquals("HIT", nonStream.path("second").path("xcache").asText(null), "second plain chat: " + nonStream.path("second"));
        assertEquals(JSON.readTree(CHAT_ANSWER), nonStream.path("first").path("body"), "the completion on the miss is the provider's");
        assertEquals(nonStream.path("first").path("body"), nonStream.path("second").path("body"),
                "the completion from the cache is the one from the provider");

        // Responses API, streamed.
        JsonNode responses = result.path("responses");
        assertEquals("MISS", responses.path("first").path("xcache").asText(null), "first Responses stream: " + responses.path("first"));
        assertEquals("HIT", responses.path("second").path("xcache").asText(null), "second Responses stream: " + responses.path("second"));
        assertEquals(dataPayloads(RESPONSES_EVENTS), responses.path("first").path("events"),
                "the SDK's Responses events on the miss are what the provider sent");
        assertEquals(responses.path("first").path("events"), responses.path("second").path("events"),
                "the SDK's Responses events from the cache are the ones it got from the provider");

        // One provider call per distinct request, in the order the script made them.
        List<String> calls = fixture.upstream().requests().stream()
                .map(r -> r.method() + " " + r.target() + (r.bodyText().contains("\"stream\":true") ? " stream" : "")).toList();
        assertEquals(List.of("POST " + CHAT + " stream", "POST " + CHAT, "POST " + RESPONSES + " stream"), calls,
                "the provider was called once per distinct request");
        for (Request request : fixture.upstream().requests()) {
            assertEquals("Bearer sk-test", request.header("Authorization"), "the SDK's key reached the provider");
        }
    }

    /** The JSON of each {@code data:} line in {@code events}, without the closing {@code [DONE]}. */
    static ArrayNode dataPayloads(List<String> events) throws IOException {
        ArrayNode payloads = JSON.createArrayNode();
        for (String event : events) {
            for (String line : event.split("\r?\n")) {
                if (line.startsWith("data:")) {
                    String data = line.substring("data:".length()).strip();
                    if (!data.equals("[DONE]")) {
                        payloads.add(JSON.readTree(data));
                    }
                }
            }
        }
        assertTrue(payloads.size() > 0, "the fixture has data lines");
        return payloads;
    }

    /** Runs {@code node src/test/sdk/stream-twice.mjs baseUrl} and parses what it prints. */
    private JsonNode runSdk(String baseUrl) throws Exception {
        Path sdk = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("src/test/sdk")
                .toAbsolutePath();
        Path script = sdk.resolve("stream-twice.mjs");
        assertTrue(Files.isRegularFile(script), "missing " + script);
        String nodeVersion = nodeVersion();
        if (!Files.isRegularFile(sdk.resolve("node_modules/openai/package.json"))) {
            fail("the OpenAI SDK is not installed in " + sdk.resolve("node_modules") + ": `mvn verify` installs it with"
                    + " `npm ci` in the pre-integration-test phase; by hand: npm ci --prefix src/test/sdk");
        }

        Path out = fixture.folder().resolve("sdk-stdout.json");
        Path err = fixture.folder().resolve("sdk-stderr.txt");
        Process process = new ProcessBuilder("node", script.toString(), baseUrl).directory(sdk.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(nodeVersion + " " + script.getFileName() + " did not finish in " + TIMEOUT_SECONDS + " s"
                    + describe(out, err));
        }
        if (process.exitValue() != 0) {
            fail(nodeVersion + " " + script.getFileName() + " exited with " + process.exitValue()
                    + describe(out, err));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        try {
            return JSON.readTree(stdout);
        } catch (IOException e) {
            fail("the SDK script printed no JSON document" + describe(out, err), e);
            throw e;
        }
    }

    private static String nodeVersion() throws InterruptedException {
        try {
            Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("`node --version` failed: " + version);
            }
            return "node " + version;
        } catch (IOException e) {
            fail("node is not on the PATH (" + e.getMessage() + "): this test runs the official OpenAI Node SDK;"
                    + " install Node.js 18 or newer (.ci/run installs Debian's nodejs and npm)");
            throw new AssertionError(e);
        }
    }

    private static String describe(Path out, Path err) throws IOException {
        return "\n--- stderr ---\n" + Files.readString(err, StandardCharsets.UTF_8)
                + "\n--- stdout ---\n" + Files.readString(out, StandardCharsets.UTF_8);
    }
}
