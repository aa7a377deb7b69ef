package dev.modelcache.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Copies an upstream body to the client as it arrives and into a {@link Capture} at the same time. A stream is cut
 * into events by its {@link StreamFraming} and each event (a server-sent event, or a line of newline-delimited JSON)
 * is written and flushed on its own, the moment its terminator arrives; any
 * other body is written and flushed as each read returns. The chunk list records where each piece ends and when
 * it arrived, for replay.
 *
 * <p>An event that grows past {@link EventSplitter#MAX_EVENT_BYTES} without its end is relayed in pieces as it
 * arrives (so the proxy holds at most that much of it) and the copy is {@linkplain Capture#refuse() refused}: clients
 * following the stream get every byte, but the answer is not stored, since it is not a stream of whole events.
 *
 * <p>A failed write to the client marks the client gone; the upstream is still read to its end and captured, so
 * an answer that has been paid for is stored even when its caller left early. A failed read from the upstream is
 * thrown: the answer is incomplete and must not be stored.
 */
public final class Relay {
    private static final Logger LOG = System.getLogger(Relay.class.getName());
    private static final int BUFFER_BYTES = 8 * 1024;

    private final OutputStream client;
    private final Capture capture;
    private final LongConsumer tap;
    private final StreamEvents events;
    private final long startNanos;
    private final List<Chunk> chunks = new ArrayList<>();
    private EventSplitter splitter;
    private boolean clientGone;

    public Relay(OutputStream client, Capture capture) {
        this(client, capture, end -> { });
    }

    /**
     * {@code tap} is told where each event of an event stream ends in the capture, once it is in it (for requests
     * that follow this one and read the capture).
     */
    public Relay(OutputStream client, Capture capture, LongConsumer tap) {
        this(client, capture, tap, null);
    }

    /**
     * {@code events} (null: none) notes what each event of an event stream says as it passes, so that nothing has to
     * read the events back from the capture; an event cut in pieces (past {@link EventSplitter#MAX_EVENT_BYTES}) or
     * one after the copy was given up is not noted: such an answer is never stored.
     */
    public Relay(OutputStream client, Capture capture, LongConsumer tap, StreamEvents events) {
        this.client = client;
        this.capture = capture;
        this.tap = tap;
        this.events = events;
        this.startNanos = System.nanoTime();
    }

    /** Relays the whole body, an event stream or not; returns normally only when the upstream body ended cleanly. */
    public void run(InputStream upstream, boolean eventStream) throws IOException {
        run(upstream, eventStream ? StreamFraming.SSE : null);
    }

    /**
     * Relays the whole body, cut into events by {@code framing} (null: a body that is not a stream); returns normally
     * only when the upstream body ended cleanly.
     */
    public void run(InputStream upstream, StreamFraming framing) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        begin(framing);
        int n;
        while ((n = upstream.read(buffer)) != -1) {
            feed(buffer, 0, n);
        }
        end();
    }

    /**
     * Starts a body cut into events by {@code framing} (null: not a stream) that is then handed over piece by piece
     * as it arrives ({@link #feed}) and {@link #end() ended}: what {@link #run} does with a body that can be waited on.
     */
    public void begin(StreamFraming framing) {
        splitter = framing == null ? null : framing.splitter(this::piece);
    }

    /** Relays the next bytes of the body, as {@link #run} does with each read. */
    public void feed(byte[] buffer, int offset, int n) {
        if (splitter != null) {
            splitter.feed(buffer, offset, n);
            if (splitter.oversized() && !capture.refused()) {
                capture.refuse();
                LOG.log(Level.WARNING, "an event of the stream grew past " + EventSplitter.MAX_EVENT_BYTES
                        + " bytes without its end: it is relayed as it arrives, and the answer is not stored");
            }
        } else {
            toClient(buffer, offset, n);
            capture.write(buffer, offset, n);
        }
    }

    /** The body ended cleanly. */
    public void end() {
        if (splitter != null) {
            splitter.finish();
        } else {
            chunks.add(new Chunk((int) Math.min(Integer.MAX_VALUE, capture.size()), 0));
        }
    }

    /** Ends the client's response (its last chunk goes out) once the whole body is relayed. */
    public void finish() {
        if (!clientGone) {
            try {
                client.close();
            } catch (IOException e) {
                clientGone = true;
            }
        }
    }

    private void piece(byte[] event) {
        toClient(event, 0, event.length);
        capture.write(event, 0, event.length);
        chunks.add(new Chunk((int) Math.min(Integer.MAX_VALUE, capture.size()), elapsedMillis()));
        tap.accept(capture.size());
        if (events != null && !splitter.oversized() && !capture.abandoned()) {
            events.note(event);
        }
    }

    private void toClient(byte[] bytes, int offset, int length) {
        if (clientGone) {
            return;
        }
        try {
            client.write(bytes, offset, length);
            client.flush();
        } catch (IOException e) {
            clientGone = true;
        }
    }

    private int elapsedMillis() {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startNanos) / 1_000_000);
    }

    public List<Chunk> chunks() {
        return chunks;
    }

    /** True when a write to the client failed: it disconnected. */
    public boolean clientGone() {
        return clientGone;
    }
}
