package dev.modelcache.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.stream.EventSplitter;
import dev.modelcache.stream.LineSplitter;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.SseSplitter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The SSE and NDJSON splitters, fed a stream cut into pieces at arbitrary points: the events they hand on, put
 * together, are the stream byte for byte, whatever the cuts and the line endings (CR, LF, CRLF, mixed, a CRLF split
 * between two pieces); each event but the last ends where the framing says an event ends; and the work per input is
 * bounded.
 */
@AddLifecycleHook(FuzzTries.class)
class SplitterFuzzTest {
    private static final long MAX_BYTES = 64L << 20;

    @Provide
    Arbitrary<byte[]> sseStreams() {
        Arbitrary<String> ending = Arbitraries.of("\n", "\r\n", "\r");
        Arbitrary<String> field = Arbitraries.oneOf(
                Arbitraries.of("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}", "data: [DONE]", "event: ping",
                        "event: message_stop", ": keep-alive", "id: 7", "retry: 100", "data:", "data", ":", "data:  two",
                        "data: caf\u00e9 \ud83d\ude00", "data: {\"type\":\"error\"}"),
                Arbitraries.strings().withChars("abc:{} \"\u00e9").ofMaxLength(10).map(s -> "data: " + s));
        Arbitrary<String> line = Combinators.combine(field, ending).as(String::concat);
        Arbitrary<String> event = Combinators.combine(line.list().ofMinSize(0).ofMaxSize(4), ending)
                .as((lines, blank) -> String.join("", lines) + blank);
        Arbitrary<byte[]> wellFormed = Combinators.combine(event.list().ofMaxSize(8),
                        line.list().ofMaxSize(2), Arbitraries.of(true, false))
                .as((events, tail, cutShort) -> (String.join("", events) + (cutShort ? String.join("", tail) : ""))
                        .getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> anyBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> crlfSoup = Arbitraries.of((byte) '\r', (byte) '\n', (byte) 'a', (byte) ':')
                .array(byte[].class).ofMaxSize(60);
        return Arbitraries.oneOf(wellFormed, wellFormed, anyBytes, crlfSoup, Corpus.bytesArbitrary("sse"));
    }

    @Provide
    Arbitrary<byte[]> ndjsonStreams() {
        Arbitrary<String> line = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of("{\"model\":\"llama3\",\"response\":\"hi\",\"done\":false}",
                        "{\"done\":true,\"eval_count\":3}", "", "{}", "{\"error\":\"cut\"}"),
                        Arbitraries.strings().withChars("{}\":,ab\r \u00e9").ofMaxLength(10)),
                Arbitraries.of("\n", "\r\n", "\n\n")).as(String::concat);
        Arbitrary<byte[]> wellFormed = Combinators.combine(line.list().ofMaxSize(8),
                        Arbitraries.strings().withChars("{\"ab").ofMaxLength(6))
                .as((lines, tail) -> (String.join("", lines) + tail).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(wellFormed, Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Corpus.bytesArbitrary("ndjson"));
    }

    /** Where the stream is cut: piece lengths, used in turn until the stream is all fed. */
    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 3).list().ofMinSize(1).ofMaxSize(20),
                Arbitraries.integers().between(1, 300).list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.just(List.of(Integer.MAX_VALUE)));
    }

    @Property(tries = 2000)
    void sseEventsPutTogetherAreTheStream(@ForAll("sseStreams") byte[] stream, @ForAll("cuts") List<Integer> cuts)
            throws Exception {
        List<byte[]> events = split(SseSplitter::new, stream, cuts);
        assertArrayEquals(stream, concat(events), "the events put together are the stream");
        for (int i = 0; i < events.size(); i++) {
            byte[] event = events.get(i);
            assertTrue(event.length > 0, "no empty event");
            if (i < events.size() - 1) {
                byte last = event[event.length - 1];
                assertTrue(last == '\n' || last == '\r', "an event but the last ends with its blank line");
            }
            SseEvent.parse(event); // parses whatever the bytes
        }
        assertEquals(events.size(), split(SseSplitter::new, stream, List.of(Integer.MAX_VALUE)).size(),
                "the cuts do not change how many events there are");
    }

    @Property(tries = 2000)
    void ndjsonLinesPutTogetherAreTheStream(@ForAll("ndjsonStreams") byte[] stream, @ForAll("cuts") List<Integer> cuts)
            throws Exception {
        List<byte[]> lines = split(LineSplitter::new, stream, cuts);
        assertArrayEquals(stream, concat(lines), "the lines put together are the stream");
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            assertTrue(line.length > 0, "no empty line");
            for (int j = 0; j < line.length - 1; j++) {
                assertTrue(line[j] != '\n', "a line feed only at a line's end");
            }
            if (i < lines.size() - 1) {
                assertEquals('\n', line[line.length - 1]);
            }
            SseEvent.line(line);
        }
    }

    @Example
    void theCorpusSplitsIntoItsBytesAtEveryCut() throws Exception {
        for (byte[] stream : Corpus.bytes("sse")) {
            for (int size = 1; size <= 4; size++) {
                assertArrayEquals(stream, concat(split(SseSplitter::new, stream, List.of(size))));
            }
        }
        for (byte[] stream : Corpus.bytes("ndjson")) {
            for (int size = 1; size <= 4; size++) {
                assertArrayEquals(stream, concat(split(LineSplitter::new, stream, List.of(size))));
            }
        }
    }

    private static List<byte[]> split(Function<Consumer<byte[]>, EventSplitter> splitter, byte[] stream,
                                      List<Integer> cuts) throws Exception {
        return Bounded.call(MAX_BYTES, () -> {
            List<byte[]> out = new ArrayList<>();
            EventSplitter s = splitter.apply(out::add);
            int at = 0;
            for (int i = 0; at < stream.length; i++) {
                int n = (int) Math.min(stream.length - at, (long) cuts.get(i % cuts.size()));
                // Each piece in its own array at an offset, as the relay's buffer hands them on.
                byte[] buffer = new byte[n + 3];
                System.arraycopy(stream, at, buffer, 2, n);
                s.feed(buffer, 2, n);
                java.util.Arrays.fill(buffer, (byte) 'X'); // the splitter must have copied what it keeps
                at += n;
            }
            s.finish();
            return out;
        });
    }

    private static byte[] concat(List<byte[]> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pieces.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
