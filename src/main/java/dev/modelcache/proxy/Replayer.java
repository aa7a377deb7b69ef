package dev.modelcache.proxy;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.stream.Chunk;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Writes a stored body back chunk by chunk, flushing after each, so an SSE client sees the same events in the same
 * order with the same bytes. In realtime mode each chunk waits for the moment it first arrived (measured from the
 * response headers), reproducing the provider's pacing. The body is written from where it is stored (a region of the
 * cached array, or the record file through a small buffer), never copied whole for a replay.
 */
public final class Replayer {
    private Replayer() {
    }

    public static void replay(CachedResponse response, OutputStream out, boolean realtime) throws IOException {
        replay(response, response.bodySource().open(), out, realtime);
    }

    /**
     * Replays through a body reader the caller already opened (so that a body that cannot be opened is found before
     * anything is sent); closes it.
     */
    public static void replay(CachedResponse response, Body.Reader opened, OutputStream out, boolean realtime)
            throws IOException {
        long length = response.bodyLength();
        long start = System.nanoTime();
        long from = 0;
        try (Body.Reader body = opened) {
            for (Chunk chunk : response.chunks()) {
                if (realtime) {
                    pause(chunk.atMillis() - (System.nanoTime() - start) / 1_000_000);
                }
                body.copy(out, from, chunk.end());
                out.flush();
                from = chunk.end();
            }
            if (from < length) {
                body.copy(out, from, length);
                out.flush();
            }
        }
    }

    private static void pause(long millis) throws InterruptedIOException {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("replay interrupted");
        }
    }
}
