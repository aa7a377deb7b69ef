package dev.modelcache.stream;

import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.CachedResponse.Chunk;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Writes a stored body back chunk by chunk, flushing after each, so an SSE client sees the same events in the same
 * order with the same bytes. In realtime mode each chunk waits for the moment it first arrived (measured from the
 * response headers), reproducing the provider's pacing.
 */
public final class Replayer {
    private Replayer() {
    }

    public static void replay(CachedResponse response, OutputStream out, boolean realtime) throws IOException {
        byte[] body = response.body();
        long start = System.nanoTime();
        int from = 0;
        for (Chunk chunk : response.chunks()) {
            if (realtime) {
                long waitMillis = chunk.atMillis() - (System.nanoTime() - start) / 1_000_000;
                if (waitMillis > 0) {
                    try {
                        Thread.sleep(waitMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("replay interrupted");
                    }
                }
            }
            out.write(body, from, chunk.end() - from);
            out.flush();
            from = chunk.end();
        }
        if (from < body.length) {
            out.write(body, from, body.length - from);
            out.flush();
        }
    }
}
