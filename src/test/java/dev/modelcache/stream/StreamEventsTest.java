package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the relay notes of a stream's events as they pass, so that nobody reads them back from the capture. */
class StreamEventsTest {
    /** A dialect that ends at {@code [DONE]} and fails at an {@code error} event. */
    static final StreamDialect DIALECT = new StreamDialect() {
        @Override
        public boolean isTerminal(SseEvent event) {
            return "[DONE]".equals(event.data());
        }

        @Override
        public boolean isError(SseEvent event) {
            return "error".equals(event.type());
        }
    };

    @TempDir
    Path dir;

    private StreamEvents relay(String body, StreamFraming framing, long countedChars) throws IOException {
        StreamEvents events = new StreamEvents(framing, DIALECT, countedChars);
        try (Capture capture = new Capture(dir, 16, 1 << 20)) {
            new Relay(new ByteArrayOutputStream(), capture, end -> { }, events)
                    .run(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), framing);
        }
        return events;
    }

    @Test
    void notesTheTerminalEventAndEveryEventsDataInOrder() throws IOException {
        StreamEvents events = relay("data: a\n\n: comment\n\ndata: b\ndata: c\n\ndata: [DONE]\n\n", StreamFraming.SSE, 100);
        assertTrue(events.sawTerminal());
        assertFalse(events.sawError());
        assertFalse(events.pastCountingBound());
        assertEquals(List.of("a", "b\nc", "[DONE]"), events.data());
    }

    @Test
    void notesAnErrorEventInsideTheStream() throws IOException {
        StreamEvents events = relay("data: a\n\nevent: error\ndata: {\"message\":\"overloaded\"}\n\n", StreamFraming.SSE, 100);
        assertTrue(events.sawError());
        assertFalse(events.sawTerminal());
    }

    @Test
    void pastTheBoundKeepsOnlyTheLastUsageReport() throws IOException {
        StreamEvents events = relay("{\"t\":\"aaaa\"}\n{\"t\":\"bbbb\"}\n{\"usage\":1}\n{\"t\":\"cccc\"}\n{\"usage\":2}\n"
                + "{\"t\":\"dddd\"}\n", StreamFraming.NDJSON, 12);
        assertTrue(events.pastCountingBound());
        assertEquals(List.of("{\"t\":\"aaaa\"}", "{\"t\":\"bbbb\"}", "{\"usage\":2}"), events.data());
    }

    @Test
    void anEventCutInPiecesIsNotNoted() throws IOException {
        String huge = "data: " + "x".repeat(EventSplitter.MAX_EVENT_BYTES) + "\n\n";
        StreamEvents events = new StreamEvents(StreamFraming.SSE, DIALECT, 100);
        try (Capture capture = new Capture(dir, 1 << 20, 64L << 20)) {
            new Relay(new ByteArrayOutputStream(), capture, end -> { }, events)
                    .run(new ByteArrayInputStream(("data: a\n\n" + huge).getBytes(StandardCharsets.UTF_8)), StreamFraming.SSE);
            assertTrue(capture.refused());
        }
        assertEquals(List.of("a"), events.data(), "only the whole event before the oversized one");
    }
}
