package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An answer that breaks off after its first bytes: the client still gets, flushed, what was relayed before the break
 * (as a blocking relay wrote it before it saw the break), and only then is its connection broken; it is not closed
 * as a whole answer. Seen in the soak: a reset upstream stream whose head and events were still queued for a client
 * when the break came reached that client as nothing at all.
 */
class NonBlockingClientTest {
    static final byte[] HEAD_EVENTS = "data: {\"a\":1}\n\ndata: {\"a\":2}\n\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void bytesQueuedBeforeABreakStillReachTheClientFlushedBeforeItsConnectionIsBroken() throws IOException {
        Socket socket = new Socket();
        NonBlockingClient client = new NonBlockingClient(socket);
        AtomicInteger broken = new AtomicInteger();
        client.listen(() -> { }, () -> { });

        client.write(HEAD_EVENTS, 0, HEAD_EVENTS.length); // the socket is not ready: queued
        assertTrue(client.wrote() || client.pendingBytes() == HEAD_EVENTS.length);
        client.breakOff(broken::incrementAndGet);
        assertEquals(0, broken.get(), "not before the queued bytes are out");

        socket.ready = true;
        client.onWritePossible();

        assertArrayEquals(HEAD_EVENTS, socket.taken.toByteArray(), "what was relayed before the break");
        assertTrue(socket.flushed, "flushed, so it leaves before the connection is broken");
        assertFalse(socket.closed, "a broken answer is not ended as a whole one");
        assertEquals(1, broken.get(), "then the break, once");
        client.onWritePossible();
        assertEquals(1, broken.get());
    }

    @Test
    void aClientThatIsGoneIsBrokenOffAtOnce() {
        Socket socket = new Socket();
        NonBlockingClient client = new NonBlockingClient(socket);
        AtomicInteger broken = new AtomicInteger();
        client.onError(new IOException("the client went away"));

        client.breakOff(broken::incrementAndGet);

        assertEquals(1, broken.get());
    }

    /** A socket that takes nothing until it is ready. */
    static final class Socket extends ServletOutputStream {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        boolean ready;
        boolean flushed;
        boolean closed;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }

        @Override
        public void write(int b) {
            taken.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            taken.write(b, off, len);
            flushed = false;
        }

        @Override
        public void flush() {
            flushed = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
