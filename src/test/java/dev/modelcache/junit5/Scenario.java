package dev.modelcache.junit5;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an outer test hands the inner test classes it runs ({@link InnerTests}): the fake provider's URL and the
 * cassette folder, read when an inner class is first used (each inner class runs once per JVM); and what the inner
 * tests saw, for the outer test to compare.
 */
final class Scenario {
    static volatile boolean active;
    static volatile String upstream;
    static volatile Path cassettes;
    /** The answer text each inner test got, by test name. */
    static final Map<String, String> answers = new ConcurrentHashMap<>();
    /** Headers of the last answer an inner test saw that the outer test looks at. */
    static final Map<String, String> seen = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern CONTENT = Pattern.compile("\"content\":\"([^\"]*)\"");

    private Scenario() {
    }

    /** For {@code @EnabledIf}: inner classes run only when an outer test runs them. */
    static boolean active() {
        return active;
    }

    /** The extension of an inner class: namespace {@code Chat}, the scenario's cassettes and provider. */
    static ModelCacheExtension extension(Mode mode) {
        return ModelCacheExtension.builder().cassettes(cassettes).mode(mode).namespace("Chat")
                .setting("providers/openai/baseUrl", upstream).build();
    }

    /** A chat completion through the proxy, raw HTTP, with a placeholder key. */
    static HttpResponse<String> chat(ModelCacheProxy proxy, String content, String temperature) throws Exception {
        String body = "{\"model\":\"gpt-5-mini\",\"temperature\":" + temperature
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.openAiBaseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer sk-placeholder").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        response.headers().firstValue("X-Should-Retry").ifPresent(value -> seen.put("X-Should-Retry", value));
        return response;
    }

    /** The assistant's text in an answer, or the body when there is none. */
    static String content(HttpResponse<String> response) {
        Matcher m = CONTENT.matcher(response.body());
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last != null ? last : response.statusCode() + " " + response.body();
    }
}
