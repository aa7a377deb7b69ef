package dev.modelcache.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input under bounds of time and memory: the call runs on a worker thread and fails the try when it
 * takes longer than the time bound (a hang) or allocates more than the byte bound (measured by the JVM's per-thread
 * allocation counter, so garbage counts too: an input that makes the code churn through memory is caught even when
 * the heap never fills). The bounds are generous on purpose; they catch a hang or a blow-up, not a slow machine.
 */
final class Bounded {
    /** Time one input may take: far above any real input's, far below a hang. */
    static final Duration TIME = Duration.ofSeconds(Integer.getInteger("modelcache.fuzz.secondsPerInput", 5));

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static ExecutorService worker = newWorker();

    private Bounded() {
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "fuzz-input");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The call's result, or its exception as thrown; fails the try when it runs past {@link #TIME} or allocates more
     * than {@code maxBytes}.
     */
    static <T> T call(long maxBytes, Callable<T> call) throws Exception {
        return call(TIME, maxBytes, call);
    }

    /** The same with its own time bound. */
    static synchronized <T> T call(Duration time, long maxBytes, Callable<T> call) throws Exception {
        Future<Measured<T>> future = worker.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                T value = call.call();
                return new Measured<>(value, null, THREADS.getCurrentThreadAllocatedBytes() - before);
            } catch (Exception | StackOverflowError e) {
                return new Measured<>(null, e, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
        });
        Measured<T> measured;
        try {
            measured = future.get(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is abandoned; the next input gets a fresh one
            return fail("one input took longer than " + time + " (a hang?)");
        } catch (ExecutionException e) {
            throw new AssertionError("unexpected " + e.getCause(), e.getCause());
        }
        if (measured.allocated > maxBytes) {
            fail("one input allocated " + measured.allocated + " bytes, more than the bound of " + maxBytes);
        }
        if (measured.thrown instanceof Exception e) {
            throw e;
        }
        if (measured.thrown instanceof Error e) {
            throw e;
        }
        return measured.value;
    }

    private record Measured<T>(T value, Throwable thrown, long allocated) {
    }
}
