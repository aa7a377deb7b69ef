package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.tokens.TokenCounter;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CallEstimateTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final CallEstimate estimate = new CallEstimate(PriceTable.builtIn(), new TokenCounter());

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void theOutputAllowanceIsTheLimitTheRequestSetsWhateverTheApiNamesIt() throws Exception {
        assertEquals(11, CallEstimate.output("/v1/chat/completions", json("{\"max_completion_tokens\":11,\"max_tokens\":99}")));
        assertEquals(12, CallEstimate.output("/v1/responses", json("{\"max_output_tokens\":12}")));
        assertEquals(13, CallEstimate.output("/v1/messages", json("{\"max_tokens\":13}")));
        assertEquals(14, CallEstimate.output("/v1beta/models/gemini-2.5-flash:generateContent",
                json("{\"generationConfig\":{\"maxOutputTokens\":14}}")));
        assertEquals(15, CallEstimate.output("/api/chat", json("{\"options\":{\"num_predict\":15}}")));
        assertEquals(30, CallEstimate.output("/v1/chat/completions", json("{\"max_tokens\":10,\"n\":3}")), "n choices");
    }

    @Test
    void withoutALimitTheDefaultAllowanceCountsAndAnEmbeddingGeneratesNothing() throws Exception {
        assertEquals(CallEstimate.DEFAULT_OUTPUT_TOKENS, CallEstimate.output("/v1/chat/completions", json("{}")));
        assertEquals(CallEstimate.DEFAULT_OUTPUT_TOKENS, CallEstimate.output("/api/generate", json("{\"options\":{\"num_predict\":-1}}")));
        assertEquals(CallEstimate.DEFAULT_OUTPUT_TOKENS, CallEstimate.output("/v1/chat/completions", null));
        assertEquals(0, CallEstimate.output("/v1/embeddings", json("{\"input\":\"x\"}")));
    }

    @Test
    void theEstimateIsThePromptPlusTheAllowancePricedWithTheTable() throws Exception {
        JsonNode body = json("{\"model\":\"gpt-4o\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        long prompt = new TokenCounter().countPrompt("gpt-4o", body).tokens();
        Spend spend = estimate.of("gpt-4o", "/v1/chat/completions", body);
        assertEquals(prompt + 1000, spend.tokens());
        // gpt-4o: 2.50 in and 10.00 out per million.
        BigDecimal usd = new BigDecimal("2.50").multiply(BigDecimal.valueOf(prompt)).add(new BigDecimal("10000"))
                .divide(BigDecimal.valueOf(1_000_000));
        assertEquals(0, usd.compareTo(spend.usd()), spend.toString());
    }

    @Test
    void aPromptTheCounterCannotReadCountsByItsLengthAndAnUnpricedModelCostsNoDollars() throws Exception {
        JsonNode gemini = json("{\"contents\":[{\"parts\":[{\"text\":\"" + "word ".repeat(100) + "\"}]}]}");
        Spend spend = estimate.of("my-local-model", "/v1beta/models/x:generateContent", gemini);
        assertTrue(spend.tokens() >= 125 + CallEstimate.DEFAULT_OUTPUT_TOKENS, spend.toString());
        assertEquals(0, spend.usd().signum());
    }
}
