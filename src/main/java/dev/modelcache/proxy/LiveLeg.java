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
 * proxy holds are bounded by memory and sockets, not by its request threads. The request's thread waits for the
 * stream's first bytes (a failure before them is still the proxy's 502 or 504, answered as before), then the request
 * goes asynchronous ({@link AsyncContext}, with no timeout: the provider's timeouts and the container's write timeout
 * bound it) and the thread returns to the container. From there a {@link LiveRelay} moves the provider's bytes to
 * the client's non-blocking writes, the capture and the followers' tap as they come; the end (the last byte out, or
 * the failure) hands the rest of the exchange back to a container thread ({@link AsyncContext#start}), where the
 * pipeline judges, stores and accounts for the answer as it does for one relayed on the request's thread.
 */
final class LiveLeg {
    private static final int FIRST_BYTES = 8 * 1024;

    private final Forwarder.Leg leg;
    private final PushBody push;
    private final StreamFraming framing;
    private final Supplier<AsyncContext> async;
    private final CompletableFuture<Relayed> result = new CompletableFuture<>();
    private AsyncContext context;
    private NonBlockingClient client;

    LiveLeg(Forwarder.Leg leg, PushBody push, StreamFraming framing, Supplier<AsyncContext> async) {
        this.leg = leg;
        this.push = push;
        this.framing = framing;
        this.async = async;
    }

    /**
     * Waits for the first bytes, then relays the rest without this thread: the answer, later. Null when the body
     * ended before any byte (the caller relays the empty rest as before). A failure before the first bytes is thrown.
     */
    CompletableFuture<Relayed> start() throws IOException {
        byte[] first = new byte[FIRST_BYTES];
        int n = leg.answer.body().read(first);
        if (n < 0) {
            return null;
        }
        context = async.get();
        context.setTimeout(0);
        context.addListener(new AsyncListener() {
            // Once the container ends the request (its client went away), its response is not ours to write.
            @Override
            public void onComplete(AsyncEvent event) {
                client.onError(null);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
                client.onError(event.getThrowable());
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        ServletOutputStream out = leg.response.getOutputStream();
        client = new NonBlockingClient(out);
        leg.relay = new Relay(client, leg.capture, leg.tap(), leg.noted);
        leg.relay.begin(framing);
        out.setWriteListener(client);
        leg.relay.feed(first, 0, n);
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
        boolean reached = client.wrote() || client.gone();
        if (reached) {
            client.breakOff(() -> later(() -> brokeOff(failure, true)));
        } else {
            client.abandon();
            later(() -> brokeOff(failure, false));
        }
    }

    /** Completes the exchange with the break, once the client has what was relayed before it. */
    private void brokeOff(IOException failure, boolean reached) {
        try {
            IOException broken = reached ? brokeOffAfterBytes(failure) : leg.brokeOff(failure);
            result.completeExceptionally(broken);
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
        later(() -> {
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

    /**
     * Runs the rest of the exchange on a container thread, never on the provider's I/O thread (storing and counting
     * take time); on another pool if the container has already given the request up (its client went away).
     */
    private void later(Runnable rest) {
        try {
            context.start(rest);
        } catch (IllegalStateException e) {
            ForkJoinPool.commonPool().execute(rest);
        }
    }
}
