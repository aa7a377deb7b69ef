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
    }

    @Test
    void lastEventFieldWins() {
        assertEquals("b", parse("event: a\nevent: b\ndata: x\n\n").type());
    }
}
