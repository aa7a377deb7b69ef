package dev.modelcache.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A provider stand-in for the soak: an OpenAI-like {@link FakeUpstream} whose answer is a pure function of the
 * request, so that whatever the proxy stored can be checked against what this upstream sent for that request. The
 * first message's content names what to do: {@code ok-...} (a chat answer, JSON or, with {@code "stream":true},
 * SSE), {@code big-...} (a JSON answer of 256 KiB, for slow readers), and the injected faults: {@code f429-...}
 * (429 with {@code Retry-After: 1}), {@code freset-...} (a stream reset after two events), {@code fstall-...}
 * (no headers for longer than the proxy's response timeout), {@code fcut-...} (a JSON body that ends before its
 * Content-Length).
 */
public final class FaultyUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeUpstream upstream;
    private final long stallMillis;

    private FaultyUpstream(long stallMillis) throws IOException {
        this.stallMillis = stallMillis;
        upstream = FakeUpstream.start();
        upstream.handler(this::reply);
    }

    /** A fault-injecting upstream whose stalls last {@code stallMillis} (longer than the proxy's response timeout). */
    public static FaultyUpstream start(long stallMillis) throws IOException {
        return new FaultyUpstream(stallMillis);
    }

    public String baseUrl() {
        return upstream.baseUrl();
    }

    public int calls() {
        return upstream.calls();
    }

    /** The first message's content of a chat request body, or "" when there is none. */
    public static String content(JsonNode body) {
        return body.path("messages").path(0).path("content").asText("");
    }

    private Reply reply(FakeUpstream.Request request) {
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            return Reply.json(400, "{\"error\":{\"message\":\"not JSON\"}}");
        }
        String content = content(body);
        boolean stream = body.path("stream").asBoolean(false);
        if (content.startsWith("f429-")) {
            return Reply.json(429, "{\"error\":{\"message\":\"rate limited\",\"type\":\"requests\"}}")
                    .header("Retry-After", "1");
        }
        if (content.startsWith("fstall-")) {
            return Reply.json(200, new String(json(content), StandardCharsets.UTF_8)).delayHeaders(stallMillis);
        }
        if (content.startsWith("freset-")) {
            return Reply.sse(events(content).subList(0, 2)).resetAtEnd();
        }
        if (content.startsWith("fcut-")) {
            byte[] whole = json(content);
            return Reply.json(200, new String(whole, 0, whole.length / 2, StandardCharsets.UTF_8)).unframed()
                    .header("Content-Length", String.valueOf(whole.length));
        }
        if (stream) {
            return Reply.sse(events(content));
        }
        return Reply.json(200, new String(json(content), StandardCharsets.UTF_8));
    }

    /** The JSON answer to a request whose first message is {@code content}, byte for byte. */
    public static byte[] json(String content) {
        String digest = sha256(content);
        int padding = content.startsWith("big-") ? 256 * 1024 : Integer.parseInt(digest.substring(0, 3), 16) * 4;
        String text = "{\"id\":\"chatcmpl-" + digest.substring(0, 16) + "\",\"object\":\"chat.completion\","
                + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + digest + " " + "x".repeat(padding) + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The SSE events of the streamed answer to a request whose first message is {@code content}. */
    public static List<String> events(String content) {
        String digest = sha256(content);
        int n = 3 + Integer.parseInt(digest.substring(0, 2), 16) % 20;
        List<String> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add("data: {\"id\":\"chatcmpl-" + digest.substring(0, 16) + "\",\"object\":\"chat.completion.chunk\","
                    + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + digest.substring(i, i + 3)
                    + "\"},\"finish_reason\":null}]}\n\n");
        }
        events.add("data: {\"id\":\"chatcmpl-" + digest.substring(0, 16) + "\",\"object\":\"chat.completion.chunk\","
                + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        events.add("data: [DONE]\n\n");
        return events;
    }

    /** The streamed answer's bytes. */
    public static byte[] sse(String content) {
        return String.join("", events(content)).getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        upstream.close();
    }
}
