package dev.modelcache.proxy;

import dev.modelcache.http.ProxyError;
import dev.modelcache.proxy.Forwarder.Relayed;
import dev.modelcache.stream.LiveRelay;
import dev.modelcache.stream.NonBlockingClient;
import dev.modelcache.stream.PushBody;
import dev.modelcache.stream.Relay;
import dev.modelcache.stream.StreamFraming;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/**
 * The streaming branch of the {@link Forwarder}: an event stream relayed with no thread held, so that the streams a
 * proxy holds are bounded by memory and sockets, not by its request threads. The request goes asynchronous before
 * its provider is called ({@link #detach}: an {@link AsyncContext} with no timeout, the provider's timeouts and the
 * container's write timeout bound it), so no thread waits for the head or the first bytes either; a failure before
 * the first byte reached the client is still the proxy's 502 or 504, answered as before. A {@link LiveRelay} moves the
 * provider's bytes to the client's non-blocking writes, the capture and the followers' tap as they come; the end
 * (the last byte out, or the failure) hands the rest of the exchange back to a container thread
 * ({@link Detached#later}), where the pipeline judges, stores and accounts for the answer as it does for one relayed
 * on the request's thread.
 */
final class LiveLeg {
    private final Leg leg;
    private final PushBody push;
    private final StreamFraming framing;
    private final Detached detached;
    private final CompletableFuture<Relayed> result = new CompletableFuture<>();
    private NonBlockingClient client;

    LiveLeg(Leg leg, PushBody push, StreamFraming framing, Detached detached) {
        this.leg = leg;
        this.push = push;
        this.framing = framing;
        this.detached = detached;
    }

    /**
     * The request taken off its thread (on that thread, before it returns to the container), and told when the
     * container ends it: a client that went away is then gone for the relay.
     */
    static Detached detach(Supplier<AsyncContext> async) {
        AsyncContext context = async.get();
        context.setTimeout(0);
        Detached detached = new Detached(context);
        context.addListener(detached);
        return detached;
    }

    /** A request off its thread: where its work runs, and whether the container ended it. */
    static final class Detached implements AsyncListener {
        private final AsyncContext context;
        private NonBlockingClient client;
        private boolean ended;
        private Throwable error;

        Detached(AsyncContext context) {
            this.context = context;
        }

        /**
         * Runs {@code work} on a container thread, never on the provider's I/O thread (relaying, storing and counting
         * take time); on another pool if the container has already given the request up (its client went away).
         */
        void later(Runnable work) {
            try {
                context.start(work);
            } catch (IllegalStateException e) {
                ForkJoinPool.commonPool().execute(work);
            }
        }

        /** True once the container ended the request (its client went away): its response is not ours to touch. */
        synchronized boolean ended() {
            return ended;
        }

        /** The client the relay writes to: told now if the container ended the request already. */
        void watch(NonBlockingClient relayed) {
            boolean over;
            Throwable cause;
            synchronized (this) {
                client = relayed;
                over = ended;
                cause = error;
            }
            if (over) {
                relayed.onError(cause);
            }
        }

        private void over(Throwable cause) {
            NonBlockingClient told;
            synchronized (this) {
                ended = true;
                error = cause;
                told = client;
            }
            // Once the container ends the request (its client went away), its response is not ours to write.
            if (told != null) {
                told.onError(cause);
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            over(null);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
            over(event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    /**
     * Relays the stream without a thread from now on, its first bytes included: the answer, later. A failure before
     * any byte reached the client completes it with the proxy's 502 or 504.
     */
    CompletableFuture<Relayed> start() throws IOException {
        ServletOutputStream out = leg.response.getOutputStream();
        client = new NonBlockingClient(out);
        detached.watch(client);
        leg.relay = new Relay(client, leg.capture, leg.tap(), leg.noted);
        leg.relay.begin(framing);
        out.setWriteListener(client);
        new LiveRelay(push, leg.relay, client, this::ended, this::delivered).start();
        return result;
    }

    /** The provider's body ended (null) or broke off. */
    private void ended(IOException failure) {
        if (failure == null) {
            leg.ended(); // closes the client's response: delivered() follows once it is out
            client.close(); // (the relay does not close a client it saw gone; this one still says when it is done)
            return;
        }
        // Once what was relayed is out and the response may be written again (its error, when nothing is out yet:
        // writing it before the container says the stream is ready would fail, and the request would never end).
        client.breakOff(() -> detached.later(() -> brokeOff(failure)));
    }

    /** Completes the exchange with the break, once the client has what was relayed before it. */
    private void brokeOff(IOException failure) {
        try {
            result.completeExceptionally(brokeOffAfterBytes(failure));
        } catch (ProxyError error) {
            result.completeExceptionally(error);
        } finally {
            leg.capture.close();
            leg.answer.close();
        }
    }

    /**
     * The client had bytes (or went away): its connection is what breaks, once its response is committed. One that is
     * not (nothing reached the socket) is answered the provider's failure, a 502, as a break before any byte is:
     * breaking it would have the container answer a bare 500 instead (seen in the soak).
     */
    private IOException brokeOffAfterBytes(IOException failure) {
        try {
            return leg.brokeOff(failure);
        } catch (IllegalStateException | NullPointerException e) {
            return failure; // the container already ended the request: nothing left to answer
        }
    }

    private void delivered() {
        detached.later(() -> {
            try {
                result.complete(leg.delivered());
            } catch (RuntimeException e) {
                leg.capture.close();
                result.completeExceptionally(e);
            } finally {
                leg.answer.close();
            }
        });
    }
}
