package dev.modelcache.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The prompt a request body sends, in tokens.
 *
 * <ul>
 *   <li>Chat {@code messages} follow the framing OpenAI documents and checks against its API for gpt-3.5-turbo, gpt-4
 *       and gpt-4o (cookbook "How to count tokens with tiktoken"): 3 tokens per message, 1 more per {@code name}, 3 to
 *       prime the reply, plus the encoded role, name and content. Tool calls in the history are counted by name and
 *       arguments, an estimate. Anthropic's top-level {@code system} is counted as content.
 *   <li>{@code tools} and legacy {@code functions} definitions are counted as their JSON, an estimate: the model sees
 *       them in a more compact form that the API does not document.
 *   <li>Legacy {@code prompt} and embeddings or moderation {@code input} are text or token ids, without framing.
 *   <li>A Responses API request is framed like chat, {@code instructions} as a developer message and {@code input} as
 *       messages, function calls and their outputs; its real framing is undocumented and other items (reasoning,
 *       references to stored items) cannot be counted, so the count is an estimate.
 * </ul>
 *
 * <p>Both the embeddings and the Responses API name their field {@code input}. It is read as Responses API input when
 * {@code instructions} is present, or when the model is not an embedding or moderation model and the input is a string
 * or holds objects (message items); otherwise as text and token ids.
 */
final class PromptCounter {
    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_NAME = 1;
    private static final int TOKENS_PRIMING_REPLY = 3;

    private PromptCounter() {
    }

    static void count(String model, JsonNode request, Tally tally) {
        if (request == null || !request.isObject()) {
            return;
        }
        JsonNode messages = request.path("messages");
        if (messages.isArray()) {
            for (JsonNode message : messages) {
                message(message, tally);
            }
            tally.framing(TOKENS_PRIMING_REPLY);
        }
        ContentParts.count(request.get("system"), tally);
        definitions(request.path("tools"), tally);
        definitions(request.path("functions"), tally);
        inputs(request.path("prompt"), tally);
        JsonNode input = request.path("input");
        if (isResponsesRequest(model, request, input)) {
            responses(request.path("instructions"), input, tally);
        } else {
            inputs(input, tally);
        }
    }

    private static void message(JsonNode message, Tally tally) {
        tally.framing(TOKENS_PER_MESSAGE);
        tally.text(message.path("role").asText());
        JsonNode name = message.path("name");
        if (name.isTextual()) {
            tally.text(name.asText());
            tally.framing(TOKENS_PER_NAME);
        }
        ContentParts.count(message.get("content"), tally);
        for (JsonNode call : message.path("tool_calls")) {
            functionCall(call.path("function"), tally);
        }
        if (message.has("function_call")) {
            functionCall(message.path("function_call"), tally);
        }
    }

    private static void functionCall(JsonNode function, Tally tally) {
        tally.approximateText(function.path("name").asText());
        tally.approximateText(function.path("arguments").asText());
    }

    private static void definitions(JsonNode definitions, Tally tally) {
        if (definitions.isArray() && !definitions.isEmpty()) {
            tally.approximateText(definitions.toString());
        }
    }

    /** Text, an array of texts, token ids, or an array of token id arrays; objects in an array are content parts. */
    private static void inputs(JsonNode input, Tally tally) {
        if (input.isTextual()) {
            tally.text(input.asText());
        } else if (input.isArray()) {
            for (JsonNode element : input) {
                if (element.isNumber()) {
                    tally.tokenIds(1);
                } else if (element.isArray()) {
                    tally.tokenIds(element.size());
                } else {
                    ContentParts.part(element, tally);
                }
            }
        } else if (!input.isMissingNode() && !input.isNull()) {
            tally.markEstimated();
        }
    }

    private static boolean isResponsesRequest(String model, JsonNode request, JsonNode input) {
        if (request.has("instructions")) {
            return true;
        }
        boolean messageShaped = input.isTextual() || input.isArray() && containsObject(input);
        return messageShaped && !embedsOrModerates(model);
    }

    private static boolean containsObject(JsonNode array) {
        for (JsonNode element : array) {
            if (element.isObject()) {
                return true;
            }
        }
        return false;
    }

    private static boolean embedsOrModerates(String model) {
        String name = model == null ? "" : model.toLowerCase(Locale.ROOT);
        return name.contains("embed") || name.contains("moderation");
    }

    private static void responses(JsonNode instructions, JsonNode input, Tally tally) {
        tally.markEstimated();
        if (instructions.isTextual()) {
            framed("developer", instructions, tally);
        }
        if (input.isTextual()) {
            framed("user", input, tally);
        }
        for (JsonNode item : input) {
            String type = item.path("type").asText();
            if (item.has("role")) {
                message(item, tally);
            } else if ("function_call".equals(type)) {
                functionCall(item, tally);
            } else if ("function_call_output".equals(type)) {
                ContentParts.count(item.get("output"), tally);
            }
        }
        tally.framing(TOKENS_PRIMING_REPLY);
    }

    private static void framed(String role, JsonNode content, Tally tally) {
        tally.framing(TOKENS_PER_MESSAGE);
        tally.text(role);
        ContentParts.count(content, tally);
    }
}
