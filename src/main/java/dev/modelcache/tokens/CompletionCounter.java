package dev.modelcache.tokens;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a non-streamed response generated, counted from its body: chat {@code choices[].message} content and tool or
 * function call arguments, legacy completion {@code choices[].text}, Responses API {@code output[]} message text and
 * function call arguments, Anthropic {@code content[]} text and tool input.
 *
 * <p>A tool call is counted by its arguments alone, without the call's framing that the model also generated, so it
 * makes the count an estimate; so does an output item that carries no countable text (Responses API reasoning,
 * Anthropic thinking), since the provider bills its hidden tokens.
 */
final class CompletionCounter {
    private CompletionCounter() {
    }

    static void count(JsonNode response, Tally tally) {
        if (response == null) {
            return;
        }
        for (JsonNode choice : response.path("choices")) {
            JsonNode message = choice.path("message");
            ContentParts.count(message.get("content"), tally);
            for (JsonNode call : message.path("tool_calls")) {
                tally.approximateText(call.path("function").path("arguments").asText());
            }
            if (message.has("function_call")) {
                tally.approximateText(message.path("function_call").path("arguments").asText());
            }
            if (choice.path("text").isTextual()) {
                tally.text(choice.path("text").asText());
            }
        }
        for (JsonNode item : response.path("output")) {
            switch (item.path("type").asText()) {
                case "message" -> ContentParts.count(item.get("content"), tally);
                case "function_call" -> tally.approximateText(item.path("arguments").asText());
                default -> tally.markEstimated();
            }
        }
        JsonNode content = response.path("content");
        if (content.isArray()) {
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "text" -> tally.text(block.path("text").asText());
                    case "tool_use" -> tally.approximateText(block.path("input").toString());
                    default -> tally.markEstimated();
                }
            }
        }
    }
}
