package dev.modelcache.junit5sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.support.AnthropicFixtures;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.FakeUpstream.Request;
import dev.modelcache.support.OpenAiFixtures;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the fake provider behind the extension's SDK tests answers: an OpenAI chat completion that repeats the last
 * user message ({@code "Echo: Say hi"}), so each test can tell its answer from another's; the OpenAI and Anthropic
 * fixtures' streams; Anthropic's fixture message. One prompt, {@value #DIE}, is answered {@code 4} and {@code 6}
 * in turn, as a provider whose state moved on: a test that sends it twice must replay both, in order (sequences).
 * The answers depend only on the request (and the turn), so recording twice records the same bytes.
 */
final class ChatProvider {
    static final String DIE = "Roll a die";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();

    Reply answer(Request request) {
        try {
            JsonNode body = JSON.readTree(request.body());
            boolean stream = body.path("stream").asBoolean(false);
            if (request.target().startsWith(AnthropicFixtures.MESSAGES)) {
                return stream ? Reply.sse(AnthropicFixtures.EVENTS) : Reply.json(200, AnthropicFixtures.MESSAGE);
            }
            if (stream) {
                return Reply.sse(OpenAiFixtures.CHAT_EVENTS);
            }
            JsonNode messages = body.path("messages");
            String prompt = messages.path(messages.size() - 1).path("content").asText("");
            String text = prompt.equals(DIE)
                    ? (turns.computeIfAbsent(prompt, p -> new AtomicInteger()).getAndIncrement() % 2 == 0 ? "4" : "6")
                    : "Echo: " + prompt;
            return Reply.json(200, completion(body.path("model").asText("gpt-4o-mini"), text));
        } catch (IOException | RuntimeException e) {
            return Reply.json(400, "{\"error\":{\"message\":\"the fake provider could not read the body\",\"type\":\"invalid_request_error\"}}");
        }
    }

    static String completion(String model, String text) {
        ObjectNode answer = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                .put("created", 1).put("model", model);
        ObjectNode choice = answer.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", "stop");
        answer.putObject("usage").put("prompt_tokens", 9).put("completion_tokens", 3).put("total_tokens", 12);
        return answer.toString();
    }
}
