package dev.modelcache.replay;

import dev.modelcache.cache.CacheMode;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The proxy's cache mode now: {@code cache/mode} at start, changed at runtime through {@code PUT /_cache/mode}. */
public final class ModeSwitch implements Supplier<CacheMode> {
    private final AtomicReference<CacheMode> mode;

    public ModeSwitch(CacheMode initial) {
        this.mode = new AtomicReference<>(initial);
    }

    @Override
    public CacheMode get() {
        return mode.get();
    }

    /** Sets the mode for the requests that arrive from now on; returns the one it replaces. */
    public CacheMode set(CacheMode next) {
        return mode.getAndSet(next);
    }
}
