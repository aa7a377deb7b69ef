package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.tokens.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One rule says whether an answer is a stream, and the relay's framing and the stored entry agree with it. */
class StreamMediaTypeTest {
    @Test
    void serverSentEventsAndNdjsonAreStreamsWhateverTheirCaseAndParameters() {
        assertEquals(StreamMediaType.SSE, StreamMediaType.of("text/event-stream"));
        assertEquals(StreamMediaType.SSE, StreamMediaType.of("Text/Event-Stream; charset=utf-8"));
        assertEquals(StreamMediaType.NDJSON, StreamMediaType.of("application/x-ndjson"));
        assertEquals(StreamMediaType.NDJSON, StreamMediaType.of(" APPLICATION/X-NDJSON ;charset=utf-8"));
        assertFalse(StreamMediaType.isStream("application/json"));
        assertFalse(StreamMediaType.isStream("text/event-streaming"));
        assertFalse(StreamMediaType.isStream(""));
        assertFalse(StreamMediaType.isStream(null));
    }

    @Test
    void theRelaysFramingAndTheStoredEntryAnswerAsTheRuleDoes() {
        for (String contentType : new String[] {"text/event-stream", "application/x-ndjson; charset=utf-8",
                "application/json", "text/plain", "application/jsonl", "text/event-streaming"}) {
            boolean stream = StreamMediaType.isStream(contentType);
            assertEquals(stream, StreamFraming.of(contentType) != null, contentType);
            CachedResponse stored = new CachedResponse(200, Headers.of("Content-Type", contentType), new byte[0], List.of(), 0,
                    Usage.NONE, "openai", "gpt-4o");
            assertEquals(stream, stored.isEventStream(), contentType);
        }
        for (StreamMediaType type : StreamMediaType.values()) {
            assertEquals(type.mediaType(), StreamFraming.of(type.mediaType()).mediaType());
        }
        assertNull(StreamFraming.of("application/json"));
        assertTrue(StreamFraming.NDJSON.matches("application/x-ndjson"));
    }
}
