package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private static final String STREAM = "{\"message\":{\"content\":\"Hel\"},\"done\":false}\n"
            + "{\"message\":{\"content\":\"lo\"},\"done\":false}\r\n"
            + "{\"done\":true,\"done_reason\":\"stop\",\"eval_count\":2}\n";

    private final List<String> lines = new ArrayList<>();
    private final LineSplitter splitter = new LineSplitter(bytes -> lines.add(new String(bytes, StandardCharsets.UTF_8)));

    private void feed(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        splitter.feed(bytes, 0, bytes.length);
    }

    @Test
    void eachLineIsHandedOnWithItsNewlineAsSoonAsTheNewlineArrives() {
        feed(STREAM);
        assertEquals(List.of("{\"message\":{\"content\":\"Hel\"},\"done\":false}\n",
                "{\"message\":{\"content\":\"lo\"},\"done\":false}\r\n",
                "{\"done\":true,\"done_reason\":\"stop\",\"eval_count\":2}\n"), lines);
    }

    @Test
    void partialLinesWaitForTheirNewlineWhateverTheReadBoundaries() {
        for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
            splitter.feed(new byte[] {b}, 0, 1);
        }
        splitter.finish();
        assertEquals(3, lines.size());
        assertEquals(STREAM, String.join("", lines));
    }

    @Test
    void aLineCutInTwoReadsIsOneLine() {
        feed("{\"done\":");
        assertEquals(List.of(), lines);
        feed("false}\n{\"do");
        assertEquals(List.of("{\"done\":false}\n"), lines);
        feed("ne\":true}\n");
        assertEquals(List.of("{\"done\":false}\n", "{\"done\":true}\n"), lines);
    }

    @Test
    void aLastLineWithoutNewlineIsHandedOnAtTheEnd() {
        feed("{\"done\":false}\n{\"done\":true}");
        assertEquals(1, lines.size());
        splitter.finish();
        assertEquals(List.of("{\"done\":false}\n", "{\"done\":true}"), lines);
    }

    @Test
    void nothingIsHandedOnAtTheEndOfAnEmptyBody() {
        splitter.finish();
        assertEquals(List.of(), lines);
    }

    @Test
    void aLineReadAsAnEventHasItsJsonAsDataAndNoType() {
        SseEvent event = StreamFraming.NDJSON.event("{\"done\":true}\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"done\":true}", event.data());
        assertEquals(null, event.type());
        assertEquals("{\"done\":true}\r\n", new String(event.raw(), StandardCharsets.UTF_8), "the raw bytes stay whole");
    }

    @Test
    void eachFramingKnowsItsMediaTypeWithOrWithoutParameters() {
        assertEquals(true, StreamFraming.NDJSON.matches("application/x-ndjson"));
        assertEquals(true, StreamFraming.NDJSON.matches("Application/X-NDJSON; charset=utf-8"));
        assertEquals(false, StreamFraming.NDJSON.matches("application/json"));
        assertEquals(true, StreamFraming.SSE.matches("text/event-stream; charset=utf-8"));
        assertEquals(false, StreamFraming.SSE.matches("application/x-ndjson"));
        assertEquals(false, StreamFraming.SSE.matches(null));
        assertEquals(StreamFraming.NDJSON, StreamFraming.of("application/x-ndjson"));
        assertEquals(StreamFraming.SSE, StreamFraming.of("text/event-stream; charset=utf-8"));
        assertEquals(null, StreamFraming.of("application/json"));
        assertEquals(null, StreamFraming.of(null));
    }

    @Test
    void aLineOfExactlyTheBoundIsOneLineAndALongerOneGoesOnInPieces() {
        LineSplitter bounded = new LineSplitter(bytes -> lines.add(new String(bytes, StandardCharsets.UTF_8)), 8);
        byte[] exact = "{\"a\":12}\n".getBytes(StandardCharsets.UTF_8); // 9 bytes
        byte[] eight = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        bounded.feed(eight, 0, eight.length);
        assertEquals(List.of("{\"a\":1}\n"), lines);
        assertFalse(bounded.oversized());
        bounded.feed(exact, 0, exact.length);
        assertTrue(bounded.oversized());
        assertEquals("{\"a\":1}\n{\"a\":12}\n", String.join("", lines), "every byte, in order");
        lines.clear();
        byte[] next = "{}\n".getBytes(StandardCharsets.UTF_8);
        bounded.feed(next, 0, next.length);
        assertEquals(List.of("{}\n"), lines, "whole lines again after the long one");
    }

    @Test
    void aLongLineWithoutItsLineFeedIsHandedOnAsItArrivesNeverHeldPastTheBound() {
        List<byte[]> got = new ArrayList<>();
        LineSplitter bounded = new LineSplitter(got::add, 1024);
        byte[] piece = new byte[300];
        java.util.Arrays.fill(piece, (byte) 'z');
        long total = 0;
        for (int i = 0; i < 100; i++) {
            bounded.feed(piece, 0, piece.length);
            assertTrue(bounded.pendingCapacity() <= 1024);
        }
        bounded.finish();
        for (byte[] b : got) {
            total += b.length;
            assertTrue(b.length <= 1024);
        }
        assertEquals(30_000, total);
        assertTrue(bounded.oversized());
    }
}
