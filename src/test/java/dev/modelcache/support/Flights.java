package dev.modelcache.support;

import dev.modelcache.flight.Flight;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waiting on the coalescing of identical requests without sleeping a guessed while: a test holds the provider's
 * answer until the other requests wait on the first one's flight, seen as threads parked in {@code Flight.await}.
 */
public final class Flights {
    private Flights() {
    }

    /** How many threads wait on another request's flight right now. */
    public static long waiting() {
        return Thread.getAllStackTraces().values().stream()
                .filter(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(Flight.class.getName())
                        && frame.getMethodName().equals("await")))
                .count();
    }

    /** Returns once {@code count} requests wait on another's flight (polling every 10 ms: there is no event to await). */
    public static void awaitWaiters(int count) throws InterruptedException {
        while (waiting() < count) {
            Thread.sleep(10);
        }
    }

    /** Waits up to 30 s for {@code latch}, for a fake provider's handler that holds its answer (no checked exception). */
    public static void hold(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
