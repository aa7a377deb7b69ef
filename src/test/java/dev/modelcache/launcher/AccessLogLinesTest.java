package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log as a launcher prints it, over a real process: one line per exchange, the time first
 * ({@code AccessLogFormatter}), and each exchange once (not again through the root logger's two-line format).
 */
class AccessLogLinesTest {
    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z POST /v1/chat/completions provider=openai model=gpt-4o-mini .*");

    @TempDir
    Path dir;

    @Test
    void eachExchangeIsOneLineStartingWithItsTime() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             LauncherProcess launcher = LauncherProcess.start(dir, Map.of("MODELCACHE_PORT", "0",
                     "MODELCACHE_CACHE_DIR", dir.resolve("cache").toString(),
                     "MODELCACHE_PROVIDERS_OPENAI_BASEURL", upstream.baseUrl()))) {
            upstream.handler(request -> FakeUpstream.Reply.json(200, "{\"id\":\"x\",\"choices\":[]}"));
            String listening = launcher.awaitLine(line -> line.contains("ModelCache listening on http://localhost:"), 120);
            Matcher port = Pattern.compile("localhost:(\\d+)/v1").matcher(listening);
            assertTrue(port.find(), listening);
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port.group(1) + "/v1/chat/completions"))
                        .header("Authorization", "Bearer sk-test-access-log")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + (i % 2) + "\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), answer.body());
            }
            // Written when each exchange has ended: wait for the third before reading them all.
            String output = launcher.output();
            for (long deadline = System.nanoTime() + 60_000_000_000L; accessLines(output).size() < 3
                    && System.nanoTime() < deadline; output = launcher.output()) {
                Thread.sleep(50); // another process's output file: nothing to await but its growth
            }
            List<String> lines = accessLines(output);
            assertEquals(3, lines.size(), output);
            lines.forEach(line -> assertTrue(LINE.matcher(line).matches(), line));
            assertFalse(output.contains("AccessLog exchangeEnded"), "no SimpleFormatter header line: " + output);
            assertFalse(output.contains("sk-test-access-log"), output);
            assertFalse(output.contains("deprecated"), "Ehcache's notice on the byte-sized heap: " + output);
        }
    }

    private static List<String> accessLines(String output) {
        return output.lines().filter(line -> line.contains("provider=openai")).toList();
    }
}
