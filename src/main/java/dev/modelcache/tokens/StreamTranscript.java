package dev.modelcache.tokens;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.http.JsonParsers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a streamed exchange carried, read from each server-sent event's data payload in order: the model (an OpenAI
 * chunk's {@code model} or a Responses API event's {@code response.model}), the usage the provider reported, and the
 * generated text of each output slot joined from its deltas. Text is joined before it is counted because a token can
 * straddle two deltas.
 *
 * <p>Usage comes from a top-level {@code usage} object (an OpenAI chat chunk when {@code stream_options.include_usage}
 * is set, Anthropic's {@code message_delta}), from {@code response.usage} (Responses API {@code response.completed},
 * {@code response.incomplete}, {@code response.failed}) and from Anthropic's {@code message_start}, whose
 * {@code message.usage} gives the prompt but only a placeholder for the output. Later reports replace earlier ones side
 * by side: Anthropic's counts are cumulative.
 *
 * <p>Generated text comes from chat {@code choices[].delta.content} and {@code delta.tool_calls[].function.arguments},
 * legacy {@code choices[].text}, Responses API {@code response.output_text.delta} and
 * {@code response.function_call_arguments.delta}, Anthropic {@code content_block_delta} with {@code delta.text} or
 * {@code delta.partial_json}. Tool arguments are kept apart: they are counted as an estimate. Payloads that are not
 * JSON objects are skipped, the {@code [DONE]} sentinel among them.
 */
final class StreamTranscript {

    private final Map<String, StringBuilder> text = new LinkedHashMap<>();
    private final Map<String, StringBuilder> toolArguments = new LinkedHashMap<>();
    private ReportedUsage usage = ReportedUsage.NONE;
    private String model;

    private StreamTranscript() {
    }

    static StreamTranscript read(List<String> dataPayloads) {
        StreamTranscript transcript = new StreamTranscript();
        if (dataPayloads != null) {
            for (String payload : dataPayloads) {
                JsonNode event = parse(payload);
                if (event != null) {
                    transcript.add(event);
                }
            }
        }
        return transcript;
    }

    ReportedUsage usage() {
        return usage;
    }

    /** The first model an event named, or null. */
    String model() {
        return model;
    }

    /** Counts the generated text into the tally, each slot on its own. */
    void countGenerated(Tally tally) {
        text.values().forEach(slot -> tally.text(slot.toString()));
        toolArguments.values().forEach(slot -> tally.approximateText(slot.toString()));
    }

    private static JsonNode parse(String payload) {
        if (payload == null) {
            return null;
        }
        try {
            JsonNode event = JsonParsers.RESPONSE.readTree(payload);
            return event != null && event.isObject() ? event : null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    private void add(JsonNode event) {
        String type = event.path("type").asText();
        JsonNode response = event.path("response");
        JsonNode message = event.path("message");
        noteModel(event.path("model"));
        noteModel(response.path("model"));
        usage = usage.then(ReportedUsage.of(event.get("usage")));
        usage = usage.then(ReportedUsage.of(response.get("usage")));
        if ("message_start".equals(type)) {
            usage = usage.then(ReportedUsage.of(message.get("usage")).promptOnly());
        }
        for (JsonNode choice : event.path("choices")) {
            chatChoice(choice);
        }
        JsonNode delta = event.path("delta");
        switch (type) {
            case "response.output_text.delta" ->
                    append(text, "output " + event.path("output_index") + " " + event.path("content_index"), delta);
            case "response.function_call_arguments.delta" ->
                    append(toolArguments, "output " + event.path("output_index"), delta);
            case "content_block_delta" -> {
                append(text, "block " + event.path("index"), delta.path("text"));
                append(toolArguments, "block " + event.path("index"), delta.path("partial_json"));
            }
        }
    }

    private void chatChoice(JsonNode choice) {
        String slot = "choice " + choice.path("index");
        JsonNode delta = choice.path("delta");
        append(text, slot, delta.path("content"));
        append(text, slot, choice.path("text"));
        for (JsonNode call : delta.path("tool_calls")) {
            append(toolArguments, slot + " tool " + call.path("index"), call.path("function").path("arguments"));
        }
        append(toolArguments, slot + " function", delta.path("function_call").path("arguments"));
    }

    private static void append(Map<String, StringBuilder> slots, String slot, JsonNode piece) {
        if (piece.isTextual()) {
            slots.computeIfAbsent(slot, key -> new StringBuilder()).append(piece.asText());
        }
    }

    private void noteModel(JsonNode name) {
        if (model == null && name.isTextual() && !name.asText().isBlank()) {
            model = name.asText();
        }
    }
}
