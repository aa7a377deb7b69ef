package dev.modelcache.tokens;

import static dev.modelcache.tokens.Fixtures.cookbookRequest;
import static dev.modelcache.tokens.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Usage of streamed exchanges from their SSE data payloads. Counted expectations use the cookbook's published numbers:
 * the example conversation is 129 prompt tokens for gpt-4 and 124 for gpt-4o; "tiktoken is great!" is 6 tokens and
 * "2 + 2 = 4" 7 in both cl100k_base and o200k_base; "お誕生日おめでとう" is 9 in cl100k_base and 8 in o200k_base.
 */
class StreamUsageTest {
    private static final TokenCounter COUNTER = new TokenCounter();

    @Test
    void chatUsageChunkIsTaken() {
        List<String> payloads = List.of(
                "{\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tiktoken\"}}],"
                        + "\"usage\":null}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" is great!\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":null}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":130,\"completion_tokens\":11,\"total_tokens\":141}}",
                "[DONE]");

        assertEquals(new Usage(130, 11, false), COUNTER.countStream(cookbookRequest("gpt-4o"), payloads));
    }

    @Test
    void responsesApiCompletedEventIsTaken() {
        List<String> payloads = List.of(
                "{\"type\":\"response.created\",\"response\":{\"model\":\"gpt-4.1\",\"usage\":null}}",
                "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}",
                "{\"type\":\"response.completed\",\"response\":{\"model\":\"gpt-4.1\","
                        + "\"usage\":{\"input_tokens\":36,\"output_tokens\":87,\"total_tokens\":123}}}");

        assertEquals(new Usage(36, 87, false),
                COUNTER.countStream(json("{\"model\":\"gpt-4.1\",\"input\":\"hi\"}"), payloads));
    }

    @Test
    void anthropicMessageStartAndMessageDeltaAreTaken() {
        List<String> payloads = List.of(
                "{\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-4-5\","
                        + "\"usage\":{\"input_tokens\":25,\"cache_read_input_tokens\":100,\"output_tokens\":1}}}",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":15}}",
                "{\"type\":\"message_stop\"}");

        assertEquals(new Usage(125, 15, false, 100, 0),
                COUNTER.countStream(cookbookRequest("claude-sonnet-4-5"), payloads));
    }

    @Test
    void anthropicPlaceholderOutputIsNotTakenAsTheCompletion() {
        // Cut before message_delta: the prompt is reported, the output_tokens of message_start is only a placeholder.
        List<String> payloads = List.of(
                "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                        + "\"text\":\"お誕生日おめでとう\"}}");

        assertEquals(new Usage(25, 8, true), COUNTER.countStream(cookbookRequest("claude-sonnet-4-5"), payloads));
    }

    @Test
    void chatDeltasAreJoinedBeforeCounting() {
        // Delta by delta, every character is at least one token and 誕 two (cookbook), so a per-delta sum exceeds 9.
        List<String> payloads = new ArrayList<>();
        for (String character : "お誕生日おめでとう".split("")) {
            payloads.add("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + character + "\"}}]}");
        }
        payloads.add("[DONE]");

        assertEquals(new Usage(129, 9, false), COUNTER.countStream(cookbookRequest("gpt-4"), payloads));
    }

    @Test
    void eachChoiceIsCountedOnItsOwn() {
        List<String> payloads = List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tiktoken is \"}}]}",
                "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"2 + 2\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"great!\"}}]}",
                "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\" = 4\"}}]}");

        assertEquals(new Usage(129, 6 + 7, false), COUNTER.countStream(cookbookRequest("gpt-4"), payloads));
    }

    @Test
    void chatToolCallArgumentsAreCountedAndFlagged() {
        List<String> payloads = List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                        + "{\"index\":0,\"id\":\"c1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"add\",\"arguments\":\"\"}}]}}]}",
                toolDelta(0, "2 + "),
                toolDelta(0, "2 = 4"),
                "[DONE]");

        assertEquals(new Usage(124, 7, true), COUNTER.countStream(cookbookRequest("gpt-4o"), payloads));
    }

    @Test
    void parallelToolCallsAreCountedEachOnItsOwn() {
        // Joined in arrival order the arguments would read "tik2 + 2token is great! = 4", which encodes differently.
        List<String> payloads = List.of(
                toolDelta(0, "tik"), toolDelta(1, "2 + 2"), toolDelta(0, "token is great!"), toolDelta(1, " = 4"));

        assertEquals(new Usage(124, 7 + 6, true), COUNTER.countStream(cookbookRequest("gpt-4o"), payloads));
    }

    private static String toolDelta(int index, String arguments) {
        return "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":" + index
                + ",\"function\":{\"arguments\":\"" + arguments + "\"}}]}}]}";
    }

    @Test
    void legacyFunctionCallArgumentsAreCountedAndFlagged() {
        List<String> payloads = List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"name\":\"add\",\"arguments\":\"2 + \"}}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"arguments\":\"2 = 4\"}}}]}");

        assertEquals(new Usage(124, 7, true), COUNTER.countStream(cookbookRequest("gpt-4o"), payloads));
    }

    @Test
    void responsesApiFunctionCallArgumentsAreCountedAndFlagged() {
        List<String> payloads = List.of(
                "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":0,\"delta\":\"2 + \"}",
                "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":0,\"delta\":\"2 = 4\"}",
                "{\"type\":\"response.incomplete\",\"response\":{\"usage\":{\"input_tokens\":40}}}");

        assertEquals(new Usage(40, 7, true), COUNTER.countStream(json("{\"model\":\"gpt-4o\",\"input\":\"hi\"}"),
                payloads));
    }

    @Test
    void legacyCompletionTextIsCounted() {
        List<String> payloads = List.of(
                "{\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"antidisestablish\"}]}",
                "{\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"mentarianism\"}]}",
                "[DONE]");
        JsonNode request = json("{\"model\":\"text-davinci-003\",\"prompt\":\"antidisestablishmentarianism\"}");

        assertEquals(new Usage(5, 5, false), COUNTER.countStream(request, payloads));
    }

    @Test
    void responsesApiDeltasAreCountedWithoutACompletedEvent() {
        List<String> payloads = List.of(
                "{\"type\":\"response.created\",\"response\":{\"model\":\"gpt-4o\",\"usage\":null}}",
                "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"2 + \"}",
                "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"2 = 4\"}");
        JsonNode request = json("{\"model\":\"gpt-4o\",\"input\":\"tiktoken is great!\"}");

        // Prompt: 3 + user (1) + 6 + 3, an estimate because the Responses API's framing is not documented.
        assertEquals(new Usage(13, 7, true), COUNTER.countStream(request, payloads));
    }

    @Test
    void anthropicDeltasAreCountedWithoutUsage() {
        List<String> payloads = List.of(
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"2 + \"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"2 = 4\"}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                        + "\"partial_json\":\"tiktoken is great!\"}}");

        Usage usage = COUNTER.countStream(cookbookRequest("claude-sonnet-4-5"), payloads);

        assertEquals(new Usage(124, 7 + 6, true), usage);
    }

    @Test
    void sentinelAndJunkAreIgnored() {
        List<String> payloads = new ArrayList<>(List.of(
                "[DONE]", " [DONE] ", "", "   ", "not json", "{\"choices\": [", "42", "\"text\"", "[1,2]", "null",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tiktoken is great!\"}}]}"));
        payloads.add(null);

        assertEquals(new Usage(129, 6, false), COUNTER.countStream(cookbookRequest("gpt-4"), payloads));
    }

    @Test
    void aStreamOfNothingCountsOnlyThePrompt() {
        assertEquals(new Usage(129, 0, false), COUNTER.countStream(cookbookRequest("gpt-4"), List.of("[DONE]")));
        assertEquals(new Usage(129, 0, false), COUNTER.countStream(cookbookRequest("gpt-4"), null));
    }

    @Test
    void theStreamsModelIsUsedWhenTheRequestNamesNone() {
        List<String> payloads = List.of(
                "{\"model\":\"gpt-4-0613\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"お誕生日おめでとう\"}}]}");

        assertEquals(new Usage(129, 9, false), COUNTER.countStream(cookbookRequest(null), payloads));
    }

    @Test
    void theResponsesApiModelIsUsedWhenTheRequestNamesNone() {
        List<String> payloads = List.of(
                "{\"type\":\"response.created\",\"response\":{\"model\":\"gpt-4-0613\",\"usage\":null}}",
                "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,"
                        + "\"delta\":\"お誕生日おめでとう\"}",
                "{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":40}}}");

        // cl100k_base from the event's model: 9 tokens (8 with the o200k_base fallback).
        assertEquals(new Usage(40, 9, false), COUNTER.countStream(json("{\"input\":\"hi\"}"), payloads));
    }
}
