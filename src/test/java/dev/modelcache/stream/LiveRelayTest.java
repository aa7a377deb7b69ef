package dev.modelcache.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay without a thread holds a bounded amount for a client that stops reading (it stops reading the provider,
 * which TCP then slows), and reads the provider to its end, capturing every byte, once that client is gone.
 */
@Timeout(20)
class LiveRelayTest {
    static final byte[] EVENT = "data: {\"x\":1}\n\n".getBytes(StandardCharsets.UTF_8);
    static final int EVENTS = 200_000; // about 3 MB

    @TempDir
    Path spill;

    @Test
    void aClientThatStopsReadingHoldsTheProviderBackAndOneThatLeavesLetsItFinish() throws IOException {
        Provider provider = new Provider();
        StalledSocket socket = new StalledSocket(100 * 1024);
        NonBlockingClient client = new NonBlockingClient(socket);
        Capture capture = new Capture(spill, 1024 * 1024, Long.MAX_VALUE);
        Relay relay = new Relay(client, capture);
        relay.begin(StreamFraming.SSE);
        AtomicReference<IOException> ended = new AtomicReference<>(new IOException("not ended"));
        AtomicBoolean delivered = new AtomicBoolean();
        LiveRelay live = new LiveRelay(provider, relay, client, ended::set, () -> delivered.set(true));

        live.start();

        // The socket took 100 KiB and stopped: the relay holds at most its high-water mark more, plus one read.
        assertTrue(provider.given <= socket.taken() + NonBlockingClient.HIGH_WATER + 8 * 1024 + EVENT.length,
                "read " + provider.given + " bytes for a client that took " + socket.taken());
        assertEquals(new IOException("not ended").getMessage(), ended.get().getMessage());

        client.onError(new IOException("the client went away"));

        assertNull(ended.get(), "the provider was read to its clean end");
        assertEquals((long) EVENTS * EVENT.length, capture.size(), "every byte captured");
        assertFalse(delivered.get(), "not before the response is closed");
        client.close();
        assertTrue(delivered.get());
    }

    /** An endless-looking provider that has everything ready at once, then ends. */
    static final class Provider implements PushBody {
        long given;

        @Override
        public int poll(byte[] buffer) {
            long total = (long) EVENTS * EVENT.length;
            if (given == total) {
                return -1;
            }
            int n = (int) Math.min(buffer.length, total - given);
            for (int i = 0; i < n; i++) {
                buffer[i] = EVENT[(int) ((given + i) % EVENT.length)];
            }
            given += n;
            return n;
        }

        @Override
        public void onReady(Runnable ready) {
            ready.run();
        }
    }

    /** A client socket that takes {@code limit} bytes and then never again. */
    static final class StalledSocket extends ServletOutputStream {
        private final int limit;
        private final ByteArrayOutputStream taken = new ByteArrayOutputStream();

        StalledSocket(int limit) {
            this.limit = limit;
        }

        int taken() {
            return taken.size();
        }

        @Override
        public boolean isReady() {
            return taken.size() < limit;
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
        }
    }
}
