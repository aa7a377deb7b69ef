package dev.modelcache.events;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of one running proxy, told of each event in the order they were added. A listener that throws is
 * logged and does not stop the others, nor the request: bookkeeping never fails an answer.
 */
public final class Listeners implements ProxyListener {
    private static final Logger LOG = System.getLogger(Listeners.class.getName());

    private final List<ProxyListener> listeners = new CopyOnWriteArrayList<>();

    public Listeners(ProxyListener... initial) {
        listeners.addAll(List.of(initial));
    }

    public void add(ProxyListener listener) {
        listeners.add(listener);
    }

    public void remove(ProxyListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void exchangeStarted(String method, String path) {
        each(l -> l.exchangeStarted(method, path));
    }

    @Override
    public void upstreamCall(UpstreamCall call) {
        each(l -> l.upstreamCall(call));
    }

    @Override
    public void stored(Stored entry) {
        each(l -> l.stored(entry));
    }

    @Override
    public void flightStarted() {
        each(ProxyListener::flightStarted);
    }

    @Override
    public void flightEnded() {
        each(ProxyListener::flightEnded);
    }

    @Override
    public void exchangeEnded(ExchangeSummary exchange) {
        each(l -> l.exchangeEnded(exchange));
    }

    private void each(Consumer<ProxyListener> event) {
        for (ProxyListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "listener " + listener.getClass().getName() + " failed: " + e);
            }
        }
    }
}
