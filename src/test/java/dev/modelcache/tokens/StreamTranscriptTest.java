package dev.modelcache.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Which stream deltas count as text and which as tool arguments, seen on a tally with a known encoding (o200k_base) so
 * that only the deltas decide; and how usage reports combine. "2 + 2 = 4" is 7 tokens (cookbook).
 */
class StreamTranscriptTest {
    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    @Test
    void anthropicTextDeltasAreExact() {
        Tally tally = new Tally(O200K, true);
        StreamTranscript.read(List.of(
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"2 + \"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                        + "\"text\":\"2 = 4\"}}"))
                .countGenerated(tally);

        assertEquals(7, tally.tokens());
        assertFalse(tally.estimated());
    }

    @Test
    void anthropicToolInputDeltasAreAnEstimate() {
        Tally tally = new Tally(O200K, true);
        StreamTranscript.read(List.of(
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                        + "\"partial_json\":\"2 + \"}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                        + "\"partial_json\":\"2 = 4\"}}"))
                .countGenerated(tally);

        assertEquals(7, tally.tokens());
        assertTrue(tally.estimated());
    }

    @Test
    void laterUsageReplacesEarlierSideBySide() {
        StreamTranscript transcript = StreamTranscript.read(List.of(
                "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}",
                "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":10}}",
                "{\"type\":\"message_delta\",\"usage\":{\"input_tokens\":30,\"output_tokens\":15}}",
                "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":16}}"));

        assertEquals(new ReportedUsage(OptionalLong.of(30), OptionalLong.of(16)), transcript.usage());
    }

    @Test
    void theFirstModelNamedIsTheModel() {
        StreamTranscript transcript = StreamTranscript.read(List.of(
                "[DONE]",
                "{\"type\":\"response.created\",\"response\":{\"model\":\"gpt-4o-2024-08-06\"}}",
                "{\"model\":\"gpt-4-0613\",\"choices\":[]}"));

        assertEquals("gpt-4o-2024-08-06", transcript.model());
    }
}
