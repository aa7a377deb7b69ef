package dev.modelcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.http.Headers;
import dev.modelcache.tokens.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record index, read at start from a record's header, calls an answer a stream exactly when the entry does. */
class RecordIndexTest {
    private static EntrySummary summary(String headersJson) throws Exception {
        return RecordIndex.summary("k", new RecordFormat.Header(new ObjectMapper().readTree("{\"request\":{\"provider\":"
                + "\"openai\",\"method\":\"POST\",\"path\":\"/v1/chat/completions\"},\"response\":{\"status\":200,"
                + "\"storedAt\":1,\"bodyLength\":5,\"headers\":" + headersJson + "}}"), 100));
    }

    private static boolean entrySaysStream(String... fields) {
        return new CachedResponse(200, Headers.of(fields), new byte[0], List.of(), 1, Usage.NONE, "openai",
                "gpt-4o-mini").isEventStream();
    }

    @Test
    void sseAndNdjsonAreStreamsAnythingElseIsNot() throws Exception {
        assertTrue(summary("[[\"Content-Type\",\"text/event-stream; charset=utf-8\"]]").eventStream());
        assertTrue(summary("[[\"content-type\",\"application/x-ndjson\"]]").eventStream());
        assertFalse(summary("[[\"Content-Type\",\"application/json\"]]").eventStream());
        assertFalse(summary("[]").eventStream());
    }

    @Test
    void withTwoContentTypesTheIndexAndTheEntryAgree() throws Exception {
        assertEquals(entrySaysStream("Content-Type", "text/event-stream", "content-type", "application/json"),
                summary("[[\"Content-Type\",\"text/event-stream\"],[\"content-type\",\"application/json\"]]").eventStream());
        assertEquals(entrySaysStream("Content-Type", "application/json", "content-type", "text/event-stream"),
                summary("[[\"Content-Type\",\"application/json\"],[\"content-type\",\"text/event-stream\"]]").eventStream());
    }
}
