package dev.modelcache.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CachedResponse;
import dev.modelcache.stream.Chunk;
import dev.modelcache.http.Headers;
import dev.modelcache.tokens.Usage;
import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayerTest {
    /** Records the bytes written, and how many had been written (and when) at each flush. */
    private static final class Recording extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> flushedAt = new ArrayList<>();
        final List<Long> flushNanos = new ArrayList<>();

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushedAt.add(bytes.size());
            flushNanos.add(System.nanoTime());
        }
    }

    private static final byte[] BODY = ("data: {\"n\":1}\n\n" + "data: {\"n\":2}\n\n" + "data: [DONE]\n\n")
            .getBytes(StandardCharsets.UTF_8);

    private static CachedResponse response(byte[] body, List<Chunk> chunks) {
        return new CachedResponse(200, Headers.of("Content-Type", "text/event-stream"), body, chunks, 0L, Usage.NONE,
                "openai", "gpt-4o");
    }

    private static List<Chunk> chunks(int... endsAndMillis) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i + 1 < endsAndMillis.length; i += 2) {
            chunks.add(new Chunk(endsAndMillis[i], endsAndMillis[i + 1]));
        }
        return chunks;
    }

    @Test
    void replaysChunksInOrderWithAFlushAfterEach() throws IOException {
        Recording out = new Recording();
        Replayer.replay(response(BODY, chunks(15, 0, 30, 10, BODY.length, 20)), out, false);
        assertArrayEquals(BODY, out.bytes.toByteArray());
        assertEquals(List.of(15, 30, BODY.length), out.flushedAt);
    }

    @Test
    void bytesAfterTheLastChunkAreWrittenAndFlushedToo() throws IOException {
        Recording out = new Recording();
        Replayer.replay(response(BODY, chunks(15, 0)), out, false);
        assertArrayEquals(BODY, out.bytes.toByteArray());
        assertEquals(List.of(15, BODY.length), out.flushedAt);
    }

    @Test
    void bodyWithoutChunksIsWrittenInOnePiece() throws IOException {
        Recording out = new Recording();
        Replayer.replay(response(BODY, List.of()), out, false);
        assertArrayEquals(BODY, out.bytes.toByteArray());
        assertEquals(List.of(BODY.length), out.flushedAt);
    }

    @Test
    void emptyBodyWritesNothing() throws IOException {
        Recording out = new Recording();
        Replayer.replay(response(new byte[0], List.of()), out, true);
        assertEquals(0, out.bytes.size());
    }

    @Test
    void realtimeWaitsForTheRecordedOffsets() throws IOException {
        Recording out = new Recording();
        long start = System.nanoTime();
        Replayer.replay(response(BODY, chunks(15, 0, 30, 100, BODY.length, 200)), out, true);
        long totalMillis = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals(BODY, out.bytes.toByteArray());
        assertEquals(List.of(15, 30, BODY.length), out.flushedAt);
        assertTrue(totalMillis >= 180, "took only " + totalMillis + " ms");
        long secondMillis = (out.flushNanos.get(1) - start) / 1_000_000;
        assertTrue(secondMillis >= 90, "second chunk after only " + secondMillis + " ms");
    }

    @Test
    void nonRealtimeDoesNotWait() throws IOException {
        Recording out = new Recording();
        long start = System.nanoTime();
        Replayer.replay(response(BODY, chunks(15, 0, 30, 5_000, BODY.length, 10_000)), out, false);
        long totalMillis = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals(BODY, out.bytes.toByteArray());
        assertTrue(totalMillis < 2_000, "took " + totalMillis + " ms");
    }

    @Test
    void interruptedRealtimeReplayFailsWithInterruptedIOException() {
        Recording out = new Recording();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedIOException.class,
                    () -> Replayer.replay(response(BODY, chunks(15, 0, 30, 5_000, BODY.length, 10_000)), out, true));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is restored");
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(15), out.flushedAt);
    }
}
