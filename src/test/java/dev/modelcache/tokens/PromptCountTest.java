package dev.modelcache.tokens;

import static dev.modelcache.tokens.Fixtures.cookbook;
import static dev.modelcache.tokens.Fixtures.cookbookRequest;
import static dev.modelcache.tokens.Fixtures.json;
import static dev.modelcache.tokens.Fixtures.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Prompt tokens of request bodies: chat messages, tools, legacy prompts, embeddings input, the Responses API. */
class PromptCountTest {
    private static final TokenCounter COUNTER = new TokenCounter();

    @ParameterizedTest
    @ValueSource(strings = {"gpt-3.5-turbo", "gpt-4-0613", "gpt-4", "gpt-4o", "gpt-4o-mini"})
    void cookbookConversationMatchesWhatTheApiReported(String model) {
        long published = cookbook().get("published_prompt_tokens").get(model).asLong();

        TokenCounter.Count count = COUNTER.countPrompt(model, cookbookRequest(model));

        assertEquals(published, count.tokens());
        assertFalse(count.estimated());
    }

    @Test
    void theUserRoleIsOneTokenInBothChatEncodings() {
        // The hand-derived expectations below write it as 1.
        assertEquals(1, COUNTER.countText("gpt-4", "user"));
        assertEquals(1, COUNTER.countText("gpt-4o", "user"));
    }

    @Test
    void modelDefaultsToTheRequests() {
        assertEquals(new TokenCounter.Count(129, false), COUNTER.countPrompt(null, cookbookRequest("gpt-4")));
    }

    @Test
    void frameworkIsThreePerMessageOnePerNameThreeToPrime() {
        // Derived by hand from the documented framing; "user", "hello" and "Bob" are single tokens in cl100k_base.
        assertEquals(1, COUNTER.countText("gpt-4", "hello"));
        assertEquals(1, COUNTER.countText("gpt-4", "Bob"));
        JsonNode request = json("""
                {"model": "gpt-4", "messages": [
                  {"role": "user", "content": "hello"},
                  {"role": "user", "name": "Bob", "content": "hello"}]}""");

        // (3 + user + hello) + (3 + user + Bob + 1 + hello) + 3 = 5 + 7 + 3
        assertEquals(15, COUNTER.countPrompt("gpt-4", request).tokens());
    }

    @Test
    void textPartsCountLikeStringContent() {
        ObjectNode request = cookbookRequest("gpt-4");
        for (JsonNode node : messages(request)) {
            ObjectNode message = (ObjectNode) node;
            ArrayNode parts = Fixtures.JSON.createArrayNode();
            parts.addObject().put("type", "text").put("text", message.get("content").asText());
            message.set("content", parts);
        }

        assertEquals(new TokenCounter.Count(129, false), COUNTER.countPrompt("gpt-4", request));
    }

    @Test
    void textSplitIntoPartsCountsEachPart() {
        JsonNode request = json("""
                {"model": "gpt-4o", "messages": [{"role": "user", "content": [
                  {"type": "text", "text": "tiktoken is great!"},
                  {"type": "text", "text": "2 + 2 = 4"}]}]}""");

        // 3 + user (1) + 6 + 7 (cookbook counts for the two texts in o200k_base) + 3
        assertEquals(new TokenCounter.Count(20, false), COUNTER.countPrompt("gpt-4o", request));
    }

    @Test
    void imagePartsAreApproximatedAndFlagged() {
        long textOnly = COUNTER.countPrompt("gpt-4o", cookbookRequest("gpt-4o")).tokens();
        ObjectNode request = cookbookRequest("gpt-4o");
        ObjectNode last = (ObjectNode) messages(request).get(5);
        ArrayNode parts = Fixtures.JSON.createArrayNode();
        parts.addObject().put("type", "text").put("text", last.get("content").asText());
        parts.addObject().put("type", "image_url").putObject("image_url")
                .put("url", "https://example.com/a.png").put("detail", "low");
        parts.addObject().put("type", "image_url").putObject("image_url")
                .put("url", "data:image/png;base64,iVBORw0KGgo=");
        last.set("content", parts);

        TokenCounter.Count count = COUNTER.countPrompt("gpt-4o", request);

        // OpenAI's vision pricing: low detail 85; a 1024x1024 image at high detail 85 + 4 x 170 = 765.
        assertEquals(textOnly + 85 + 765, count.tokens());
        assertTrue(count.estimated());
    }

    @Test
    void responsesApiImageDetailIsOnThePart() {
        JsonNode request = json("""
                {"model": "gpt-4.1", "input": [{"role": "user", "content": [
                  {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "low"}]}]}""");

        // 3 + user (1) + 85 + 3
        assertEquals(new TokenCounter.Count(92, true), COUNTER.countPrompt("gpt-4.1", request));
    }

    @Test
    void toolDefinitionsCountAsTheirJsonAndAreFlagged() {
        ObjectNode request = cookbookRequest("gpt-4o");
        JsonNode tools = json("""
                [{"type": "function", "function": {
                  "name": "get_current_weather",
                  "description": "Get the current weather in a given location",
                  "parameters": {"type": "object",
                    "properties": {"location": {"type": "string", "description": "The city and state"}},
                    "required": ["location"]}}}]""");
        request.set("tools", tools);

        TokenCounter.Count count = COUNTER.countPrompt("gpt-4o", request);

        assertEquals(124 + COUNTER.countText("gpt-4o", tools.toString()), count.tokens());
        assertTrue(count.estimated());
    }

    @Test
    void legacyFunctionsCountAsTheirJsonAndAreFlagged() {
        ObjectNode request = cookbookRequest("gpt-4");
        JsonNode functions = json("""
                [{"name": "add", "parameters": {"type": "object", "properties": {"a": {"type": "number"}}}}]""");
        request.set("functions", functions);

        TokenCounter.Count count = COUNTER.countPrompt("gpt-4", request);

        assertEquals(129 + COUNTER.countText("gpt-4", functions.toString()), count.tokens());
        assertTrue(count.estimated());
    }

    @Test
    void toolCallsInTheHistoryAreCountedAndFlagged() {
        JsonNode request = json("""
                {"model": "gpt-4o", "messages": [
                  {"role": "assistant", "content": null,
                   "tool_calls": [{"id": "c1", "type": "function",
                                   "function": {"name": "add", "arguments": "2 + 2 = 4"}}]}]}""");

        TokenCounter.Count count = COUNTER.countPrompt("gpt-4o", request);

        // 3 + assistant + add + 7 ("2 + 2 = 4", cookbook) + 3
        long expected = 3 + COUNTER.countText("gpt-4o", "assistant") + COUNTER.countText("gpt-4o", "add") + 7 + 3;
        assertEquals(expected, count.tokens());
        assertTrue(count.estimated());
    }

    @Test
    void legacyFunctionCallInTheHistoryIsCountedAndFlagged() {
        JsonNode request = json("""
                {"messages": [{"role": "assistant", "content": null,
                               "function_call": {"name": "add", "arguments": "2 + 2 = 4"}}]}""");

        TokenCounter.Count count = COUNTER.countPrompt("gpt-4o", request);

        long expected = 3 + COUNTER.countText("gpt-4o", "assistant") + COUNTER.countText("gpt-4o", "add") + 7 + 3;
        assertEquals(new TokenCounter.Count(expected, true), count);
    }

    @Test
    void emptyToolListsAddNothing() {
        ObjectNode request = cookbookRequest("gpt-4o");
        request.putArray("tools");
        request.putArray("functions");

        assertEquals(new TokenCounter.Count(124, false), COUNTER.countPrompt("gpt-4o", request));
    }

    @Test
    void partsThatCannotBeCountedAreLeftOutAndFlagged() {
        JsonNode request = json("""
                {"messages": [{"role": "user", "content": [
                  {"type": "text", "text": "2 + 2 = 4"},
                  {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]}]}""");

        // 3 + user (1) + 7 + 3
        assertEquals(new TokenCounter.Count(14, true), COUNTER.countPrompt("gpt-4o", request));
    }

    @Test
    void contentOfAnUnreadableShapeIsFlagged() {
        JsonNode request = json("{\"messages\": [{\"role\": \"user\", \"content\": {\"text\": \"2 + 2 = 4\"}}]}");

        // 3 + user (1) + 3
        assertEquals(new TokenCounter.Count(7, true), COUNTER.countPrompt("gpt-4o", request));
    }

    @Test
    void unknownModelsCountWithO200kAndAreFlagged() {
        // The conversation is 124 tokens with o200k_base (gpt-4o, as the API reported), which unknown models get.
        TokenCounter.Count count = COUNTER.countPrompt("claude-3-5-sonnet-20241022",
                cookbookRequest("claude-3-5-sonnet-20241022"));

        assertEquals(new TokenCounter.Count(124, true), count);
    }

    @Test
    void anthropicSystemPromptCounts() {
        ObjectNode request = cookbookRequest("claude-3-5-sonnet-20241022");
        request.put("system", "tiktoken is great!");

        assertEquals(new TokenCounter.Count(124 + 6, true), COUNTER.countPrompt(null, request));
    }

    @Test
    void legacyPromptAsStringOrStrings() {
        assertEquals(new TokenCounter.Count(5, false), COUNTER.countPrompt("text-davinci-003",
                json("{\"prompt\": \"antidisestablishmentarianism\"}")));
        assertEquals(new TokenCounter.Count(13, false), COUNTER.countPrompt("gpt-3.5-turbo-instruct",
                json("{\"prompt\": [\"tiktoken is great!\", \"2 + 2 = 4\"]}")));
    }

    @Test
    void embeddingsInputInEachForm() {
        String model = "text-embedding-3-small";
        // cl100k_base: "tiktoken is great!" is 6 tokens, "2 + 2 = 4" 7, and the cookbook prints the 6 token ids.
        assertEquals(new TokenCounter.Count(6, false),
                COUNTER.countPrompt(model, json("{\"input\": \"tiktoken is great!\"}")));
        assertEquals(new TokenCounter.Count(13, false),
                COUNTER.countPrompt(model, json("{\"input\": [\"tiktoken is great!\", \"2 + 2 = 4\"]}")));
        assertEquals(new TokenCounter.Count(6, false),
                COUNTER.countPrompt(model, json("{\"input\": [83, 1609, 5963, 374, 2294, 0]}")));
        assertEquals(new TokenCounter.Count(6, false),
                COUNTER.countPrompt(model, json("{\"input\": [[83, 1609], [5963, 374, 2294, 0]]}")));
    }

    @Test
    void moderationInputIsPlainText() {
        assertEquals(new TokenCounter.Count(6, false), COUNTER.countPrompt("omni-moderation-latest",
                json("{\"input\": \"tiktoken is great!\"}")));
        assertEquals(new TokenCounter.Count(7 + 85, true), COUNTER.countPrompt("omni-moderation-latest", json("""
                {"input": [
                  {"type": "text", "text": "2 + 2 = 4"},
                  {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}}]}""")));
    }

    @Test
    void inputOfAnUnreadableShapeIsFlagged() {
        assertEquals(new TokenCounter.Count(0, true),
                COUNTER.countPrompt("text-embedding-3-small", json("{\"input\": {\"text\": \"hi\"}}")));
    }

    @Test
    void responsesApiIsFramedLikeChatAndFlagged() {
        JsonNode responses = json("""
                {"model": "gpt-4o", "instructions": "You are a helpful, pattern-following assistant.",
                 "input": "tiktoken is great!"}""");
        JsonNode chat = json("""
                {"model": "gpt-4o", "messages": [
                  {"role": "developer", "content": "You are a helpful, pattern-following assistant."},
                  {"role": "user", "content": "tiktoken is great!"}]}""");

        TokenCounter.Count count = COUNTER.countPrompt(null, responses);

        assertEquals(COUNTER.countPrompt(null, chat).tokens(), count.tokens());
        assertTrue(count.estimated());
    }

    @Test
    void responsesApiInstructionsAloneAreAPrompt() {
        // A follow-up that continues a stored response sends instructions and no input.
        JsonNode request = json("""
                {"model": "gpt-4o", "instructions": "tiktoken is great!", "previous_response_id": "resp_1"}""");

        // 3 + developer + 6 + 3
        long expected = 3 + COUNTER.countText("gpt-4o", "developer") + 6 + 3;
        assertEquals(new TokenCounter.Count(expected, true), COUNTER.countPrompt(null, request));
    }

    @Test
    void responsesApiInputItems() {
        JsonNode request = json("""
                {"model": "gpt-4o", "input": [
                  {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "2 + 2 = 4"}]},
                  {"type": "function_call", "call_id": "c1", "name": "add", "arguments": "tiktoken is great!"},
                  {"type": "function_call_output", "call_id": "c1", "output": "2 + 2 = 4"}]}""");

        TokenCounter.Count count = COUNTER.countPrompt(null, request);

        // (3 + user + 7) + add + 6 + 7 + 3, the texts' counts from the cookbook
        assertEquals(3 + 1 + 7 + COUNTER.countText("gpt-4o", "add") + 6 + 7 + 3, count.tokens());
        assertTrue(count.estimated());
    }

    @Test
    void stringInputOfAChatModelIsAResponsesPrompt() {
        TokenCounter.Count count = COUNTER.countPrompt("gpt-4o", json("{\"input\": \"tiktoken is great!\"}"));

        // 3 + user (1) + 6 + 3
        assertEquals(new TokenCounter.Count(13, true), count);
    }

    @Test
    void specialTokenMarkupInAPromptIsOrdinaryText() {
        JsonNode request = json("{\"messages\": [{\"role\": \"user\", \"content\": \"<|endoftext|>\"}]}");

        // 3 + user (1) + the markup as ordinary text + 3; as the special token it would be a single token.
        assertEquals(new TokenCounter.Count(7 + COUNTER.countText("gpt-4", "<|endoftext|>"), false),
                COUNTER.countPrompt("gpt-4", request));
    }

    @Test
    void noRequestIsNoPrompt() {
        assertEquals(new TokenCounter.Count(0, false), COUNTER.countPrompt("gpt-4o", null));
        assertEquals(new TokenCounter.Count(0, false), COUNTER.countPrompt("gpt-4o", json("[1, 2]")));
    }
}
