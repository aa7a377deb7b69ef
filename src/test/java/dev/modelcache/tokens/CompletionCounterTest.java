package dev.modelcache.tokens;

import static dev.modelcache.tokens.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

/**
 * Which parts of a non-streamed response count as generated, and which make the count an estimate, seen on a tally with
 * a known encoding (o200k_base) so that only the parts decide. "tiktoken is great!" is 6 tokens and "2 + 2 = 4" 7
 * (cookbook).
 */
class CompletionCounterTest {
    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    private static Tally tally() {
        return new Tally(O200K, true);
    }

    @Test
    void chatContentAsPartsIsExact() {
        Tally tally = tally();
        CompletionCounter.count(json("""
                {"choices": [{"message": {"content": [{"type": "text", "text": "tiktoken is great!"}]}}]}"""), tally);

        assertEquals(6, tally.tokens());
        assertFalse(tally.estimated());
    }

    @Test
    void legacyFunctionCallArgumentsAreAnEstimate() {
        Tally tally = tally();
        CompletionCounter.count(json("""
                {"choices": [{"message": {"content": null,
                  "function_call": {"name": "add", "arguments": "2 + 2 = 4"}}}]}"""), tally);

        assertEquals(7, tally.tokens());
        assertTrue(tally.estimated());
    }

    @Test
    void responsesApiFunctionCallArgumentsAreAnEstimate() {
        Tally tally = tally();
        CompletionCounter.count(json("""
                {"output": [{"type": "function_call", "call_id": "c1", "name": "add", "arguments": "2 + 2 = 4"}]}"""),
                tally);

        assertEquals(7, tally.tokens());
        assertTrue(tally.estimated());
    }

    @Test
    void responsesApiReasoningMakesTheCountAnEstimate() {
        Tally tally = tally();
        CompletionCounter.count(json("""
                {"output": [
                  {"type": "reasoning", "summary": []},
                  {"type": "message", "content": [{"type": "output_text", "text": "tiktoken is great!"}]}]}"""),
                tally);

        assertEquals(6, tally.tokens());
        assertTrue(tally.estimated());
    }

    @Test
    void anthropicToolInputIsItsJsonAsAnEstimate() {
        JsonNode response = json("""
                {"content": [{"type": "text", "text": "2 + 2 = 4"},
                             {"type": "tool_use", "id": "t1", "name": "add", "input": {"a": 2, "b": 2}}]}""");
        Tally expected = tally();
        expected.text("{\"a\":2,\"b\":2}");
        Tally tally = tally();

        CompletionCounter.count(response, tally);

        assertEquals(7 + expected.tokens(), tally.tokens());
        assertTrue(tally.estimated());
    }

    @Test
    void anthropicThinkingMakesTheCountAnEstimate() {
        Tally tally = tally();
        CompletionCounter.count(json("""
                {"content": [{"type": "thinking", "thinking": "…", "signature": "x"},
                             {"type": "text", "text": "2 + 2 = 4"}]}"""), tally);

        assertEquals(7, tally.tokens());
        assertTrue(tally.estimated());
    }
}
