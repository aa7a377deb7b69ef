package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseEventTest {
    private static SseEvent parse(String text) {
        return SseEvent.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eventAndDataFieldsAreParsedAndRawKept() {
        byte[] raw = "event: response.output_text.delta\ndata: {\"delta\":\"hi\"}\n\n".getBytes(StandardCharsets.UTF_8);
        SseEvent e = SseEvent.parse(raw);
        assertEquals("response.output_text.delta", e.type());
        assertEquals("{\"delta\":\"hi\"}", e.data());
        assertArrayEquals(raw, e.raw());
    }

    @Test
    void onlyOneLeadingSpaceIsRemoved() {
        assertEquals("x", parse("data:x\n\n").data());
        assertEquals(" x", parse("data:  x\n\n").data());
        assertEquals("x ", parse("data: x \n\n").data());
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() {
        assertEquals("line 1\nline 2\n", parse("data: line 1\r\ndata: line 2\r\ndata:\r\n\r\n").data());
        assertEquals("a\nb", parse("data: a\rdata: b\r\r").data());
    }

    @Test
    void commentsAndUnknownFieldsAreIgnored() {
        SseEvent e = parse(": keep-alive\nid: 7\nretry: 100\ndata: x\n: another comment\n\n");
        assertEquals("x", e.data());
        assertNull(e.type());
    }

    @Test
    void commentOnlyEventHasNoTypeOrData() {
        SseEvent e = parse(": OPENROUTER PROCESSING\n\n");
        assertNull(e.type());
        assertNull(e.data());
        assertFalse(e.isTerminal());
        assertFalse(e.isError());
    }

    @Test
    void lastEventFieldWins() {
        assertEquals("b", parse("event: a\nevent: b\ndata: x\n\n").type());
    }

    @Test
    void doneIsTerminal() {
        assertTrue(parse("data: [DONE]\n\n").isTerminal());
        assertFalse(parse("data: [DONE] \n\n").isTerminal());
    }

    @Test
    void completedAndMessageStopAreTerminal() {
        assertTrue(parse("event: response.completed\ndata: {}\n\n").isTerminal());
        assertTrue(parse("event: message_stop\ndata: {}\n\n").isTerminal());
        assertTrue(parse("data: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\"}}\n\n").isTerminal());
        assertTrue(parse("data: {\"type\":\"message_stop\"}\n\n").isTerminal());
    }

    @Test
    void ordinaryChunksAreNotTerminal() {
        assertFalse(parse("data: {\"choices\":[{\"delta\":{\"content\":\"[DONE]\"}}]}\n\n").isTerminal());
        assertFalse(parse("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\"}\n\n").isTerminal());
        assertFalse(parse("event: message_delta\ndata: {}\n\n").isTerminal());
        // Quoted inside content, the marker is escaped and does not count.
        assertFalse(parse("data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"type\\\":\\\"response.completed\\\"}\"}}]}\n\n").isTerminal());
    }

    @Test
    void errorEventsAreRecognised() {
        assertTrue(parse("event: error\ndata: {\"message\":\"overloaded\"}\n\n").isError());
        assertTrue(parse("event: response.failed\ndata: {}\n\n").isError());
        assertTrue(parse("data: {\"error\":{\"message\":\"server_error\"}}\n\n").isError());
        assertTrue(parse("data: {\"type\":\"response.failed\",\"response\":{}}\n\n").isError());
        assertTrue(parse("data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n").isError());
    }

    @Test
    void ordinaryChunksAreNotErrors() {
        assertFalse(parse("data: {\"choices\":[{\"delta\":{\"content\":\"error\"}}]}\n\n").isError());
        assertFalse(parse("data: [DONE]\n\n").isError());
        assertFalse(parse("event: response.completed\ndata: {\"type\":\"response.completed\"}\n\n").isError());
        assertFalse(parse("data: {\"id\":\"x\",\"error\":null}\n\n").isError());
    }
}
