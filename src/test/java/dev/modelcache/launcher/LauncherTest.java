package dev.modelcache.launcher;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher behind {@code mvn -q compile exec:java}: embedded Tomcat deploying {@code src/main/webapp} with
 * {@code webapp-config/context.xml} as its context file, so the provider table comes from JNDI as in a container.
 */
class LauncherTest {
    @TempDir
    Path cacheDir;

    @Test
    void deploysTheWebappWithTheSharedContextFile() throws Exception {
        List<String> overridden = List.of("modelcache.providers.openai.baseUrl", "modelcache.cache.dir");
        try (FakeUpstream upstream = FakeUpstream.start().handler(r -> Reply.json(200, CHAT_ANSWER))) {
            // Only the base URL and the cache folder are overridden; the model globs and the default provider
            // must come from webapp-config/context.xml through JNDI.
            System.setProperty("modelcache.providers.openai.baseUrl", upstream.baseUrl());
            System.setProperty("modelcache.cache.dir", cacheDir.toString());
            Launcher launcher = Launcher.start(0, Path.of("webapp-config/context.xml"), Path.of("src/main/webapp"));
            try {
                assertTrue(launcher.app().config().providers().provider("openai").models().contains("gpt-*"),
                        "the model globs come from context.xml");
                HttpClient client = HttpClient.newHttpClient();
                HttpRequest chat = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launcher.port() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer sk-launcher")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[]}")).build();
                HttpResponse<String> miss = client.send(chat, HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> hit = client.send(chat, HttpResponse.BodyHandlers.ofString());
                assertEquals("MISS", miss.headers().firstValue("X-Cache").orElse(null));
                assertEquals("HIT", hit.headers().firstValue("X-Cache").orElse(null));
                assertEquals(CHAT_ANSWER, hit.body());
                assertEquals(1, upstream.calls());
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + launcher.port() + "/_cache/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode());
            } finally {
                launcher.stop();
            }
        } finally {
            overridden.forEach(System::clearProperty);
        }
    }
}
