package dev.modelcache.provider;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.stream.SseEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenAiStreamTest {
    private static boolean terminal(String text) {
        return OpenAiStream.DIALECT.isTerminal(SseEvent.parse(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean error(String text) {
        return OpenAiStream.DIALECT.isError(SseEvent.parse(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void commentOnlyEventIsNeitherTerminalNorError() {
        assertFalse(terminal(": OPENROUTER PROCESSING\n\n"));
        assertFalse(error(": OPENROUTER PROCESSING\n\n"));
    }

    @Test
    void doneIsTerminal() {
        assertTrue(terminal("data: [DONE]\n\n"));
        assertFalse(terminal("data: [DONE] \n\n"));
    }

    @Test
    void responsesApiCompletedIsTerminalButAnthropicsMessageStopIsNot() {
        assertTrue(terminal("event: response.completed\ndata: {}\n\n"));
        assertTrue(terminal("data: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\"}}\n\n"));
        assertFalse(terminal("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
    }

    @Test
    void ordinaryChunksAreNotTerminal() {
        assertFalse(terminal("data: {\"choices\":[{\"delta\":{\"content\":\"[DONE]\"}}]}\n\n"));
        assertFalse(terminal("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\"}\n\n"));
        assertFalse(terminal("event: message_delta\ndata: {}\n\n"));
        // Quoted inside content, the marker is escaped and does not count.
        assertFalse(terminal("data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"type\\\":\\\"response.completed\\\"}\"}}]}\n\n"));
    }

    @Test
    void errorEventsAreRecognised() {
        assertTrue(error("event: error\ndata: {\"message\":\"overloaded\"}\n\n"));
        assertTrue(error("event: response.failed\ndata: {}\n\n"));
        assertTrue(error("data: {\"error\":{\"message\":\"server_error\"}}\n\n"));
        assertTrue(error("data: {\"type\":\"response.failed\",\"response\":{}}\n\n"));
        assertTrue(error("data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n"));
    }

    @Test
    void ordinaryChunksAreNotErrors() {
        assertFalse(error("data: {\"choices\":[{\"delta\":{\"content\":\"error\"}}]}\n\n"));
        assertFalse(error("data: [DONE]\n\n"));
        assertFalse(error("event: response.completed\ndata: {\"type\":\"response.completed\"}\n\n"));
        assertFalse(error("data: {\"id\":\"x\",\"error\":null}\n\n"));
    }
}
