package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseSplitterTest {
    private final List<String> events = new ArrayList<>();
    private final SseSplitter splitter = new SseSplitter(bytes -> events.add(new String(bytes, StandardCharsets.UTF_8)));

    private void feed(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        splitter.feed(bytes, 0, bytes.length);
    }

    private void feedByteByByte(String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            splitter.feed(new byte[] {b}, 0, 1);
        }
    }

    private static String sample(String eol) {
        return "event: a" + eol + "data: 1" + eol + eol + "data: 2" + eol + "data: 2b" + eol + eol + ": ping" + eol + eol;
    }

    private static List<String> expected(String eol) {
        return List.of("event: a" + eol + "data: 1" + eol + eol, "data: 2" + eol + "data: 2b" + eol + eol, ": ping" + eol + eol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n"})
    void eventsEndAtABlankLine(String eol) {
        feed(sample(eol));
        assertEquals(expected(eol), events);
        splitter.finish();
        assertEquals(expected(eol), events, "nothing left over");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void eventsEndAtABlankLineWhenBytesArriveOneAtATime(String eol) {
        feedByteByByte(sample(eol));
        splitter.finish();
        assertEquals(expected(eol), events);
    }

    @Test
    void loneCarriageReturnsEndEvents() {
        feed("data: 1\r\rdata: 2\r\r");
        // The second event's last CR might still be followed by LF, so it waits for the next byte.
        assertEquals(List.of("data: 1\r\r"), events);
        feed("data: 3");
        assertEquals(List.of("data: 1\r\r", "data: 2\r\r"), events);
        feed("\r\r");
        splitter.finish();
        assertEquals(List.of("data: 1\r\r", "data: 2\r\r", "data: 3\r\r"), events);
    }

    @Test
    void crlfSplitAcrossTwoFeedsStaysInOneEvent() {
        feed("data: 1\r\n\r");
        feed("\ndata: 2\r\n\r\n");
        assertEquals(List.of("data: 1\r\n\r\n", "data: 2\r\n\r\n"), events);
    }

    @Test
    void crlfOfALineSplitAcrossFeedsIsNotABlankLine() {
        feed("data: 1\r");
        feed("\ndata: 2\r\n\r\n");
        assertEquals(List.of("data: 1\r\ndata: 2\r\n\r\n"), events);
    }

    @Test
    void eventIsEmittedTheMomentItsBlankLineArrives() {
        feed("data: 1\n");
        assertEquals(List.of(), events);
        feed("\n");
        assertEquals(List.of("data: 1\n\n"), events);
    }

    @Test
    void mixedLineEndingsInOneStream() {
        feed("data: a\r\n\ndata: b\n\r\ndata: c\r\r\ndata: d\n\n");
        splitter.finish();
        assertEquals(List.of("data: a\r\n\n", "data: b\n\r\n", "data: c\r\r\n", "data: d\n\n"), events);
    }

    @Test
    void trailingEventWithoutBlankLineIsEmittedByFinish() {
        feed("data: 1\n\ndata: [DONE]\n");
        assertEquals(List.of("data: 1\n\n"), events);
        splitter.finish();
        assertEquals(List.of("data: 1\n\n", "data: [DONE]\n"), events);
    }

    @Test
    void finishWithNothingPendingEmitsNothing() {
        feed("data: 1\n\n");
        splitter.finish();
        splitter.finish();
        assertEquals(List.of("data: 1\n\n"), events);
        new SseSplitter(e -> events.add("unexpected")).finish();
        assertEquals(1, events.size());
    }

    @Test
    void feedHonoursOffsetAndLength() {
        byte[] bytes = "XXdata: 1\n\nYY".getBytes(StandardCharsets.UTF_8);
        splitter.feed(bytes, 2, bytes.length - 4);
        splitter.finish();
        assertEquals(List.of("data: 1\n\n"), events);
    }

    @Test
    void multiByteCharactersSplitAcrossFeedsArriveWhole() {
        byte[] bytes = "data: héllo ✓\n\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 3) {
            splitter.feed(bytes, i, Math.min(3, bytes.length - i));
        }
        assertEquals(List.of("data: héllo ✓\n\n"), events);
    }

    @Test
    void concatenatedEventsEqualTheInputByteForByte() {
        Random random = new Random(42);
        String[] endings = {"\n", "\r\n", "\r"};
        for (int round = 0; round < 50; round++) {
            StringBuilder text = new StringBuilder();
            int eventCount = 1 + random.nextInt(8);
            for (int e = 0; e < eventCount; e++) {
                int lines = 1 + random.nextInt(3);
                String last = "";
                for (int l = 0; l < lines; l++) {
                    last = endings[random.nextInt(3)];
                    text.append(random.nextBoolean() ? "data: " : "event: ").append("x".repeat(random.nextInt(20) + 1))
                            .append(last);
                }
                String blank = endings[random.nextInt(3)];
                // A lone CR followed by LF would be one CRLF line ending, not a blank line.
                text.append(last.equals("\r") && blank.equals("\n") ? "\r" : blank);
            }
            if (random.nextBoolean()) {
                text.append("data: tail");
            }
            byte[] input = text.toString().getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            List<byte[]> got = new ArrayList<>();
            SseSplitter s = new SseSplitter(got::add);
            int i = 0;
            while (i < input.length) {
                int n = Math.min(input.length - i, 1 + random.nextInt(7));
                s.feed(input, i, n);
                i += n;
            }
            s.finish();
            for (byte[] event : got) {
                joined.writeBytes(event);
            }
            assertArrayEquals(input, joined.toByteArray(), "round " + round + ": " + text.toString().replace("\r", "\\r").replace("\n", "\\n"));
            assertEquals(eventCount + (text.toString().endsWith("tail") ? 1 : 0), got.size(), "round " + round);
        }
    }

    @Test
    void anEventOfExactlyTheBoundIsOneEvent() {
        SseSplitter bounded = new SseSplitter(bytes -> events.add(new String(bytes, StandardCharsets.UTF_8)), 16);
        byte[] event = "data: 123456\n\n".getBytes(StandardCharsets.UTF_8); // 14 bytes
        byte[] sixteen = "data: 12345678\n\n".getBytes(StandardCharsets.UTF_8);
        bounded.feed(event, 0, event.length);
        bounded.feed(sixteen, 0, sixteen.length);
        assertEquals(List.of("data: 123456\n\n", "data: 12345678\n\n"), events);
        assertEquals(false, bounded.oversized());
    }

    @Test
    void anEventPastTheBoundGoesOnInPiecesAsItArrivesThenSplittingResumes() {
        SseSplitter bounded = new SseSplitter(bytes -> events.add(new String(bytes, StandardCharsets.UTF_8)), 16);
        byte[] first = "data: 0123456789".getBytes(StandardCharsets.UTF_8); // exactly the bound, no end yet
        bounded.feed(first, 0, first.length);
        assertEquals(List.of(), events, "held: it may still end within the bound");
        byte[] more = "ab".getBytes(StandardCharsets.UTF_8);
        bounded.feed(more, 0, more.length);
        assertEquals(List.of("data: 0123456789", "ab"), events, "past the bound: handed on, nothing held");
        assertEquals(true, bounded.oversized());
        byte[] rest = "cd\n\ndata: 1\n\n".getBytes(StandardCharsets.UTF_8);
        bounded.feed(rest, 0, rest.length);
        assertEquals(List.of("data: 0123456789", "ab", "cd\n\n", "data: 1\n\n"), events, "the next event is whole again");
    }

    @Test
    void aThirtyMegabyteEventWithoutABlankLineNeverMakesTheSplitterHoldMoreThanTheBound() {
        List<byte[]> got = new ArrayList<>();
        SseSplitter bounded = new SseSplitter(got::add);
        byte[] piece = new byte[8 * 1024];
        java.util.Arrays.fill(piece, (byte) 'x');
        long handedOn = 0;
        int largest = 0;
        for (int i = 0; i < 30 * 128; i++) {
            bounded.feed(piece, 0, piece.length);
            assertTrue(bounded.pendingCapacity() <= EventSplitter.MAX_EVENT_BYTES, "holds " + bounded.pendingCapacity());
            for (byte[] b : got) {
                handedOn += b.length;
                largest = Math.max(largest, b.length);
            }
            got.clear();
        }
        bounded.finish();
        for (byte[] b : got) {
            handedOn += b.length;
        }
        assertEquals(30L * 1024 * 1024, handedOn, "every byte handed on");
        assertEquals(EventSplitter.MAX_EVENT_BYTES, largest, "nothing larger than the bound at once");
        assertTrue(bounded.oversized());
    }

    @Test
    void anOversizedEventEndingInCarriageReturnsHandsOnNoEmptyPiece() {
        List<byte[]> got = new ArrayList<>();
        SseSplitter bounded = new SseSplitter(got::add, 12);
        byte[] first = "data: 0123456789\r\r".getBytes(StandardCharsets.UTF_8);
        bounded.feed(first, 0, first.length);
        byte[] next = "data: 1\r\r\n".getBytes(StandardCharsets.UTF_8);
        bounded.feed(next, 0, next.length);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] piece : got) {
            assertTrue(piece.length > 0, "no empty piece");
            joined.writeBytes(piece);
        }
        assertEquals("data: 0123456789\r\rdata: 1\r\r\n", joined.toString(StandardCharsets.UTF_8));
        assertEquals("data: 1\r\r\n", new String(got.get(got.size() - 1), StandardCharsets.UTF_8), "whole again");
    }
}
