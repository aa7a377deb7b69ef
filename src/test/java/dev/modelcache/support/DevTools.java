package dev.modelcache.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One DevTools protocol session with a page target, over the JDK's WebSocket client: commands sent and their
 * results awaited by id; of the events, what the page throws and logs as an error is kept ({@link #problems}).
 */
final class DevTools implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration timeout;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final WebSocket socket;

    DevTools(HttpClient http, URI page, Duration timeout) {
        this.timeout = timeout;
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(page, new Listener()).join();
    }

    /** Collects a message's fragments and dispatches whole messages. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                dispatch(message.toString());
                message.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failAll(new IOException("DevTools connection closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failAll(error);
        }
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            problems.add("unreadable DevTools message: " + e.getMessage());
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer != null && message.has("error")) {
                answer.completeExceptionally(new IllegalStateException("DevTools: " + message.get("error")));
            } else if (answer != null) {
                answer.complete(message.path("result"));
            }
            return;
        }
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Runtime.exceptionThrown" -> problems.add("exception: " + params.at("/exceptionDetails/exception/description")
                    .asText(params.at("/exceptionDetails/text").asText()));
            case "Log.entryAdded" -> {
                if ("error".equals(params.at("/entry/level").asText())) {
                    problems.add("log: " + params.at("/entry/text").asText() + " " + params.at("/entry/url").asText(""));
                }
            }
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(params.path("type").asText())) {
                    problems.add("console: " + params.path("args"));
                }
            }
            default -> {
                // other events are not needed
            }
        }
    }

    private void failAll(Throwable error) {
        pending.values().forEach(answer -> answer.completeExceptionally(error));
        pending.clear();
    }

    /** Sends one command and waits for its result. */
    JsonNode send(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        synchronized (this) {
            socket.sendText(message.toString(), true).join();
        }
        try {
            return answer.get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            pending.remove(id);
            throw new IllegalStateException("DevTools " + method + " failed: " + e.getMessage(), e);
        }
    }

    /** What the page threw or logged as an error, in order. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
