package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayTest {
    @TempDir
    Path dir;

    /** Hands out at most {@code step} bytes per read, then optionally fails instead of ending. */
    private static InputStream upstream(byte[] bytes, int step, boolean failAtEnd) {
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= bytes.length) {
                    if (failAtEnd) {
                        throw new IOException("Connection reset");
                    }
                    return -1;
                }
                int n = Math.min(Math.min(len, step), bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    private static final class Client extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> flushedAt = new ArrayList<>();
        final int failAfter;

        Client(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + len > failAfter) {
                throw new IOException("Broken pipe");
            }
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushedAt.add(bytes.size());
        }
    }

    private static final byte[] SSE = "data: 1\n\ndata: 22\r\n\r\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void eventStreamIsRelayedAndFlushedOneEventAtATime() throws IOException {
        Client client = new Client(Integer.MAX_VALUE);
        try (Capture capture = new Capture(dir, 1024, 1 << 20)) {
            Relay relay = new Relay(client, capture);
            relay.run(upstream(SSE, 4, false), true);
            assertArrayEquals(SSE, client.bytes.toByteArray());
            assertEquals(List.of(9, 21, 35), client.flushedAt);
            assertArrayEquals(SSE, capture.toByteArray());
            assertEquals(List.of(9, 21, 35), relay.chunks().stream().map(Chunk::end).toList());
            assertFalse(relay.clientGone());
        }
    }

    @Test
    void eventStreamWithoutAFinalBlankLineKeepsItsTail() throws IOException {
        byte[] body = "data: 1\n\ndata: [DONE]".getBytes(StandardCharsets.UTF_8);
        Client client = new Client(Integer.MAX_VALUE);
        try (Capture capture = new Capture(dir, 1024, 1 << 20)) {
            Relay relay = new Relay(client, capture);
            relay.run(upstream(body, 100, false), true);
            assertArrayEquals(body, client.bytes.toByteArray());
            assertEquals(List.of(9, body.length), relay.chunks().stream().map(Chunk::end).toList());
        }
    }

    @Test
    void newlineDelimitedJsonIsRelayedFlushedAndRecordedOneLineAtATime() throws IOException {
        byte[] body = "{\"done\":false}\n{\"done\":false}\n{\"done\":true}".getBytes(StandardCharsets.UTF_8);
        Client client = new Client(Integer.MAX_VALUE);
        try (Capture capture = new Capture(dir, 1024, 1 << 20)) {
            Relay relay = new Relay(client, capture);
            relay.run(upstream(body, 7, false), StreamFraming.NDJSON);
            assertArrayEquals(body, client.bytes.toByteArray());
            assertArrayEquals(body, capture.toByteArray());
            assertEquals(List.of(15, 30, body.length), client.flushedAt);
            assertEquals(List.of(15, 30, body.length), relay.chunks().stream().map(Chunk::end).toList());
        }
    }

    @Test
    void plainBodyIsOneChunk() throws IOException {
        byte[] body = "{\"id\":\"chatcmpl-1\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
        Client client = new Client(Integer.MAX_VALUE);
        try (Capture capture = new Capture(dir, 1024, 1 << 20)) {
            Relay relay = new Relay(client, capture);
            relay.run(upstream(body, 5, false), false);
            assertArrayEquals(body, client.bytes.toByteArray());
            assertArrayEquals(body, capture.toByteArray());
            assertEquals(List.of(new Chunk(body.length, 0)), relay.chunks());
        }
    }

    @Test
    void clientLeavingEarlyDoesNotStopTheCapture() throws IOException {
        Client client = new Client(12);
        try (Capture capture = new Capture(dir, 1024, 1 << 20)) {
            Relay relay = new Relay(client, capture);
            relay.run(upstream(SSE, 3, false), true);
            assertTrue(relay.clientGone());
            assertArrayEquals(SSE, capture.toByteArray(), "the paid-for answer is still captured whole");
            assertEquals(List.of(9, 21, 35), relay.chunks().stream().map(Chunk::end).toList());
            assertEquals(9, client.bytes.size(), "nothing more is written after the failure");
        }
    }

    @Test
    void upstreamFailureIsThrown() {
        Client client = new Client(Integer.MAX_VALUE);
        try (Capture capture = new Capture(dir, 1024, 1 << 20)) {
            Relay relay = new Relay(client, capture);
            assertThrows(IOException.class, () -> relay.run(upstream(SSE, 8, true), true));
        }
    }

    @Test
    void anEventPastTheBoundIsRelayedWholeReadableByFollowersAndRefusedForStorage() throws IOException {
        int size = EventSplitter.MAX_EVENT_BYTES + 100_000;
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) 'x');
        byte[] start = "data: ".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, body, 0, start.length);
        Client client = new Client(Integer.MAX_VALUE);
        List<Long> published = new ArrayList<>();
        try (Capture capture = new Capture(dir, 1024, 64L << 20)) {
            Relay relay = new Relay(client, capture, published::add);
            relay.run(upstream(body, 8192, false), StreamFraming.SSE);
            assertArrayEquals(body, client.bytes.toByteArray(), "the client has every byte");
            assertTrue(capture.abandoned(), "not to be stored");
            assertEquals((long) size, published.get(published.size() - 1));
            assertArrayEquals(java.util.Arrays.copyOfRange(body, size - 10, size), capture.read(size - 10, 10),
                    "followers still read the copy");
        }
    }
}
