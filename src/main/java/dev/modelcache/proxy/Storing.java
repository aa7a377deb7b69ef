package dev.modelcache.proxy;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a miss's store step runs once its client has the last byte: counting its tokens, settling the budget, the
 * record's write and fsync (about 15 ms on a plain disk), the Ehcache put, the flight's end and the exchange's event.
 * On the request's thread that step held the client's keep-alive connection: Tomcat serves a connection's next
 * request only after the servlet returns. Here a few threads do it from a bounded queue, and when the queue is full
 * the step runs on the caller's thread as before (back-pressure, never an unbounded backlog of answers held in
 * memory).
 *
 * <p>A step is counted in {@link InFlight} from before it is handed over until it ends, so a stop drains it like an
 * answer still being streamed. The step owns what it needs (the answer's copy, its spill file, the budget's
 * reservation) and releases it itself; the flight of its key stays registered until it ends, so an identical request
 * meanwhile follows the flight (or finds the entry) instead of calling the provider again.</p>
 */
final class Storing implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Storing.class.getName());
    /** Threads that store: a put is mostly waiting on the disk's fsync, so a few serve many exchanges. */
    static final int THREADS = 2;
    /**
     * Steps waiting for a thread at most. Each holds its answer's copy (up to 1 MiB in memory, the rest in its spill
     * file) until it runs, so the queue bounds that memory too; past it the caller stores itself.
     */
    static final int QUEUE = 16;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final InFlight inFlight;
    private final ThreadPoolExecutor pool;
    private final LongAdder onCaller = new LongAdder();

    Storing(InFlight inFlight) {
        this(inFlight, THREADS, QUEUE);
    }

    Storing(InFlight inFlight, int threads, int queue) {
        this.inFlight = inFlight;
        int pool = POOLS.incrementAndGet();
        AtomicInteger threadCount = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                task -> {
                    Thread thread = new Thread(task, "modelcache-store-" + pool + "-" + threadCount.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code step} on a storing thread, or on this one when the queue is full (or the pool is closed). */
    void run(Runnable step) {
        inFlight.enter();
        Runnable counted = () -> {
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "a store step failed after its client had the answer: " + e);
            } finally {
                inFlight.exit();
            }
        };
        try {
            pool.execute(counted);
        } catch (RejectedExecutionException e) {
            onCaller.increment();
            counted.run();
        }
    }

    /** Steps that ran on their caller's thread because the queue was full. */
    long ranOnCaller() {
        return onCaller.sum();
    }

    /** A handoff for one exchange. */
    Handoff handoff() {
        return new Handoff();
    }

    /** Stops the threads once the queued steps ran (a stop drained them already, see {@link InFlight}). */
    @Override
    public void close() {
        pool.shutdown();
    }

    /**
     * One exchange's store step, held until the pipeline has wired what follows it (the flight's end, the exchange's
     * event), and what its client waits for: {@link #delivered()} completes when the step is handed over (the client
     * has its answer), or with the exchange's own end when it has no such step (a hit, an error).
     */
    final class Handoff {
        private final CompletableFuture<Void> delivered = new CompletableFuture<>();
        private Runnable held;
        private boolean released;
        private boolean handed;
        private boolean ended;

        /** The exchange's store step: handed over now if the pipeline is wired, else at {@link #release()}. */
        void hold(Runnable step) {
            synchronized (this) {
                if (!released) {
                    held = step;
                    return;
                }
            }
            hand(step);
        }

        /** The pipeline is wired: a step held is handed over. */
        void release() {
            Runnable step;
            synchronized (this) {
                released = true;
                step = held;
                held = null;
            }
            if (step != null) {
                hand(step);
            }
        }

        /** The exchange ended; what its client waits for ends with it, unless a store step was handed over first. */
        void ended(Throwable failure) {
            synchronized (this) {
                if (handed) {
                    return;
                }
            }
            if (failure == null) {
                delivered.complete(null);
            } else {
                delivered.completeExceptionally(failure);
            }
        }

        CompletableFuture<Void> delivered() {
            return delivered;
        }

        /** True the first time only: the exchange's event is told once, by whichever end comes first. */
        synchronized boolean endsNow() {
            boolean first = !ended;
            ended = true;
            return first;
        }

        private void hand(Runnable step) {
            synchronized (this) {
                handed = true;
            }
            run(step);
            delivered.complete(null);
        }
    }
}
