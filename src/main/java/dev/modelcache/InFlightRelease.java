package dev.modelcache;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/** Counts an asynchronous request out of {@link InFlight#bodies()} when it ends, however it ends. */
final class InFlightRelease implements AsyncListener {
    private final InFlight inFlight;

    InFlightRelease(InFlight inFlight) {
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
