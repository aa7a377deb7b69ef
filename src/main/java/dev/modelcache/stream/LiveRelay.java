package dev.modelcache.stream;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Runs a {@link Relay} from a {@link PushBody} to a {@link NonBlockingClient} with no thread of its own: it works
 * when the provider has sent something or the client has taken some, on whichever thread says so, and stops as soon
 * as there is nothing to read or the client holds {@link NonBlockingClient#HIGH_WATER} bytes it has not taken (then
 * the provider is not read, and slows through TCP, until the client takes some). A client that went away holds
 * nothing, so the provider is read to its end, as the blocking relay does. The capture, the followers' tap and the
 * client see each piece in one call of the relay, so in the same order.
 *
 * <p>{@code ended} is told once: with null after the body ended cleanly and the relay {@linkplain Relay#end() ended},
 * or with the failure that broke it off. {@code delivered} runs once the client's response was
 * {@linkplain NonBlockingClient#close() closed} and is out (or the client is gone).
 */
public final class LiveRelay {
    private static final int BUFFER_BYTES = 8 * 1024;

    private final PushBody body;
    private final Relay relay;
    private final NonBlockingClient client;
    private final Consumer<IOException> ended;
    private final Runnable delivered;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private boolean running;
    private boolean again;
    private boolean over;

    public LiveRelay(PushBody body, Relay relay, NonBlockingClient client, Consumer<IOException> ended,
                     Runnable delivered) {
        this.delivered = delivered;
        this.body = body;
        this.relay = relay;
        this.client = client;
        this.ended = ended;
    }

    /** Starts relaying; returns at once. */
    public void start() {
        client.listen(this::pump, delivered);
        body.onReady(this::pump);
    }

    /** Relays what can be relayed now; a call while it runs (from another thread, or from inside) makes it look again. */
    void pump() {
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
        IOException failure = null;
        boolean clean = false;
        try {
            while (true) {
                synchronized (this) {
                    again = false;
                }
                int n = 0;
                while (client.pendingBytes() < NonBlockingClient.HIGH_WATER && (n = body.poll(buffer)) > 0) {
                    relay.feed(buffer, 0, n);
                }
                if (n < 0) {
                    relay.end();
                    clean = true;
                    break;
                }
                synchronized (this) {
                    if (!again) {
                        running = false;
                        return;
                    }
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new IOException("the relay failed: " + e, e);
        }
        synchronized (this) {
            over = true;
            running = false;
        }
        ended.accept(clean ? null : failure);
    }
}
