package dev.modelcache.tokens;

import static dev.modelcache.tokens.Fixtures.cookbookRequest;
import static dev.modelcache.tokens.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Usage of non-streamed exchanges: reported numbers are taken as they are (the requests here would count to something
 * else), and missing ones are counted from the bodies. Counted expectations use the cookbook's published numbers: the
 * example conversation is 129 prompt tokens for gpt-4 and 124 for gpt-4o; "tiktoken is great!" is 6 tokens and
 * "2 + 2 = 4" 7 in both cl100k_base and o200k_base; "antidisestablishmentarianism" is 5 in p50k_base.
 */
class ResponseUsageTest {
    private static final TokenCounter COUNTER = new TokenCounter();

    @Test
    void chatUsageIsTaken() {
        JsonNode response = json("""
                {"object": "chat.completion", "model": "gpt-4-0613",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "tiktoken is great!"}}],
                 "usage": {"prompt_tokens": 131, "completion_tokens": 9, "total_tokens": 140}}""");

        assertEquals(new Usage(131, 9, false), COUNTER.countResponse(cookbookRequest("gpt-4"), response));
    }

    @Test
    void responsesApiUsageIsTaken() {
        JsonNode response = json("""
                {"object": "response", "model": "gpt-4.1-2025-04-14",
                 "output": [{"type": "message", "role": "assistant",
                             "content": [{"type": "output_text", "text": "tiktoken is great!"}]}],
                 "usage": {"input_tokens": 36, "input_tokens_details": {"cached_tokens": 0},
                           "output_tokens": 87, "total_tokens": 123}}""");

        assertEquals(new Usage(36, 87, false),
                COUNTER.countResponse(json("{\"model\": \"gpt-4.1\", \"input\": \"hi\"}"), response));
    }

    @Test
    void anthropicUsageIsTakenWithCacheReadsAndWritesInThePrompt() {
        JsonNode request = json("""
                {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}""");
        JsonNode plain = json("""
                {"type": "message", "content": [{"type": "text", "text": "Hello!"}],
                 "usage": {"input_tokens": 10, "output_tokens": 20}}""");
        JsonNode cached = json("""
                {"type": "message", "content": [{"type": "text", "text": "Hello!"}],
                 "usage": {"input_tokens": 10, "cache_creation_input_tokens": 100,
                           "cache_read_input_tokens": 1000, "output_tokens": 20}}""");

        assertEquals(new Usage(10, 20, false), COUNTER.countResponse(request, plain));
        assertEquals(new Usage(1110, 20, false, 1000, 100), COUNTER.countResponse(request, cached));
    }

    @Test
    void embeddingsUsageIsTakenWithNoCompletion() {
        JsonNode response = json("""
                {"object": "list", "model": "text-embedding-3-small",
                 "data": [{"object": "embedding", "index": 0, "embedding": [0.1, -0.2]}],
                 "usage": {"prompt_tokens": 8, "total_tokens": 8}}""");

        assertEquals(new Usage(8, 0, false), COUNTER.countResponse(
                json("{\"model\": \"text-embedding-3-small\", \"input\": \"tiktoken is great!\"}"), response));
    }

    @Test
    void chatIsCountedWhenUsageIsAbsent() {
        JsonNode response = json("""
                {"object": "chat.completion", "usage": null, "choices": [
                  {"index": 0, "message": {"role": "assistant", "content": "tiktoken is great!"}},
                  {"index": 1, "message": {"role": "assistant", "content": "2 + 2 = 4"}}]}""");

        assertEquals(new Usage(129, 6 + 7, false), COUNTER.countResponse(cookbookRequest("gpt-4"), response));
    }

    @Test
    void toolCallArgumentsAreCountedAndFlagged() {
        JsonNode response = json("""
                {"choices": [{"index": 0, "message": {"role": "assistant", "content": null, "tool_calls": [
                  {"id": "c1", "type": "function", "function": {"name": "add", "arguments": "2 + 2 = 4"}}]}}]}""");

        assertEquals(new Usage(124, 7, true), COUNTER.countResponse(cookbookRequest("gpt-4o"), response));
    }

    @Test
    void legacyCompletionTextIsCounted() {
        JsonNode request = json("{\"model\": \"text-davinci-003\", \"prompt\": \"antidisestablishmentarianism\"}");
        JsonNode response = json("""
                {"object": "text_completion", "choices": [{"text": "antidisestablishmentarianism"}]}""");

        assertEquals(new Usage(5, 5, false), COUNTER.countResponse(request, response));
    }

    @Test
    void responsesApiOutputTextIsCounted() {
        JsonNode request = json("{\"model\": \"gpt-4o\", \"input\": \"2 + 2 = 4\"}");
        JsonNode response = json("""
                {"object": "response", "output": [{"type": "message", "role": "assistant",
                  "content": [{"type": "output_text", "text": "tiktoken is great!"}]}]}""");

        // Prompt: 3 + user (1) + 7 + 3, an estimate because the Responses API's framing is not documented.
        assertEquals(new Usage(14, 6, true), COUNTER.countResponse(request, response));
    }

    @Test
    void anthropicContentTextIsCountedWithTheFallbackEncoding() {
        JsonNode request = cookbookRequest("claude-3-5-sonnet-20241022");
        JsonNode response = json("""
                {"type": "message", "content": [{"type": "text", "text": "お誕生日おめでとう"}]}""");

        // o200k_base, the fallback: 124 for the conversation, 8 for the text (9 in cl100k_base).
        assertEquals(new Usage(124, 8, true), COUNTER.countResponse(request, response));
    }

    @Test
    void aSideMissingFromTheUsageIsCounted() {
        JsonNode response = json("""
                {"choices": [{"index": 0, "message": {"role": "assistant", "content": "tiktoken is great!"}}],
                 "usage": {"prompt_tokens": 500}}""");

        assertEquals(new Usage(500, 6, false), COUNTER.countResponse(cookbookRequest("gpt-4"), response));
    }

    @Test
    void usageThatIsNotACountIsIgnored() {
        JsonNode response = json("""
                {"choices": [{"index": 0, "message": {"role": "assistant", "content": "tiktoken is great!"}}],
                 "usage": {"prompt_tokens": -1, "completion_tokens": "6"}}""");

        assertEquals(new Usage(129, 6, false), COUNTER.countResponse(cookbookRequest("gpt-4"), response));
    }

    @Test
    void theResponsesModelIsUsedWhenTheRequestNamesNone() {
        JsonNode response = json("""
                {"model": "gpt-4-0613",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "お誕生日おめでとう"}}]}""");

        // An Azure request names no model; cl100k_base from the response gives 129 and 9, exactly.
        assertEquals(new Usage(129, 9, false), COUNTER.countResponse(cookbookRequest(null), response));
    }

    @Test
    void aRecognisedResponseModelWinsOverAnUnknownRequestModel() {
        JsonNode response = json("""
                {"model": "gpt-4-0613",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "お誕生日おめでとう"}}]}""");

        assertEquals(new Usage(129, 9, false), COUNTER.countResponse(cookbookRequest("my-deployment"), response));
    }

    @Test
    void nonJsonBodiesCountAsNothing() {
        assertEquals(Usage.NONE, COUNTER.countResponse(null, null));
        assertEquals(new Usage(129, 0, false), COUNTER.countResponse(cookbookRequest("gpt-4"), null));
    }

    @Test
    void openAiCachedPromptTokensAreCacheReads() {
        JsonNode chat = json("{\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0}}}");
        assertEquals(new Usage(2006, 300, false, 1920, 0), COUNTER.countResponse(null, chat));
        JsonNode responses = json("{\"usage\":{\"input_tokens\":2006,\"output_tokens\":300,"
                + "\"input_tokens_details\":{\"cached_tokens\":1024}}}");
        assertEquals(new Usage(2006, 300, false, 1024, 0), COUNTER.countResponse(null, responses));
    }
}
