package dev.modelcache.flight;

import dev.modelcache.stream.NonBlockingClient;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * A follower of a live stream relayed without a thread: each event the leader publishes is read from its copy and
 * handed to the follower's {@link NonBlockingClient} on whichever thread says there is more (the leader's, when it
 * publishes; the container's, when the client took some), as {@link dev.modelcache.stream.LiveRelay} does for the
 * leader. It reads no further ahead than the client's {@link NonBlockingClient#HIGH_WATER}, so a slow follower holds a
 * bounded amount and never slows the leader (the copy holds what it has not read yet). So followers are bounded by
 * memory and sockets, not by request threads.
 *
 * <p>{@code done} is told once: with null when the last event is out and the response closed (or the client is
 * gone after the clean end), or with the failure once what was queued before it is out: the leader's stream broke off
 * (the caller then breaks the connection off, as a blocking follower did) or the client went away. {@code done} runs when the
 * response may be written again, so the caller can still answer an error when nothing of the stream is out. A follower waits
 * for each next event as long as its leader does: the leader's own timeouts end a silent stream, and with it this one.
 */
public final class LiveFollower {
    private final LiveStream live;
    private final NonBlockingClient client;
    private final Consumer<IOException> done;
    private final Runnable wake = this::pump;
    private int next;
    private boolean running;
    private boolean again;
    private boolean over;

    public LiveFollower(LiveStream live, NonBlockingClient client, Consumer<IOException> done) {
        this.live = live;
        this.client = client;
        this.done = done;
    }

    /** Starts following; returns at once. */
    public void start() {
        client.listen(wake, () -> done.accept(null));
        live.listen(wake);
        pump();
    }

    private void pump() {
        synchronized (this) {
            if (over) {
                return;
            }
            if (running) {
                again = true;
                return;
            }
            running = true;
        }
        try {
            while (true) {
                synchronized (this) {
                    again = false;
                }
                while (client.pendingBytes() < NonBlockingClient.HIGH_WATER) {
                    byte[] piece = live.poll(next);
                    if (piece == null) {
                        stop();
                        client.close(); // done(null) once it is out
                        return;
                    }
                    if (piece == LiveStream.NOT_YET) {
                        break;
                    }
                    client.write(piece);
                    next++;
                }
                synchronized (this) {
                    if (!again) {
                        running = false;
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            stop();
            IOException failure = e instanceof IOException io ? io : new IOException("following failed: " + e, e);
            // Told once the client can be written to again: one with nothing out yet may still be answered an error.
            client.breakOff(() -> done.accept(failure));
        }
    }

    private void stop() {
        synchronized (this) {
            over = true;
            running = false;
        }
        live.unlisten(wake);
    }
}
