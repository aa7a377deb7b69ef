package dev.modelcache.proxy;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/** Counts an asynchronous request out of {@link InFlight#bodies()} when it ends, however it ends. */
public final class InFlightRelease implements AsyncListener {
    private final InFlight inFlight;

    public InFlightRelease(InFlight inFlight) {
        this.inFlight = inFlight;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        inFlight.bodyEnded();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
    }

    @Override
    public void onError(AsyncEvent event) {
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
