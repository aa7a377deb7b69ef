package dev.modelcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The store steps' pool: bounded, counted for a stop, and never blocking its caller when it is full. */
class StoringTest {
    final InFlight inFlight = new InFlight();

    @Test
    void aStepRunsOffTheCallersThreadAndIsCountedUntilItEnds() throws Exception {
        try (Storing storing = new Storing(inFlight)) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            storing.run(() -> {
                ranOn.set(Thread.currentThread());
                await(release);
            });
            assertEquals(1, inFlight.count(), "counted from before it was handed over");
            assertFalse(inFlight.awaitIdle(Duration.ofMillis(20)));
            release.countDown();
            assertTrue(inFlight.awaitIdle(Duration.ofSeconds(30)));
            assertNotEquals(Thread.currentThread(), ranOn.get());
            assertEquals(0, storing.ranOnCaller());
        }
    }

    @Test
    void aFullQueueRunsTheStepOnTheCallersThreadInsteadOfBlockingOrDroppingIt() throws Exception {
        try (Storing storing = new Storing(inFlight, 1, 1)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch busy = new CountDownLatch(1);
            storing.run(() -> {
                busy.countDown();
                await(release);
            }); // the one thread
            assertTrue(busy.await(30, TimeUnit.SECONDS));
            CompletableFuture<Thread> queued = new CompletableFuture<>();
            storing.run(() -> queued.complete(Thread.currentThread())); // the one place in the queue
            AtomicReference<Thread> third = new AtomicReference<>();
            storing.run(() -> third.set(Thread.currentThread())); // full: runs here, now
            assertEquals(Thread.currentThread(), third.get());
            assertEquals(1, storing.ranOnCaller());
            assertFalse(queued.isDone(), "the queued step waits for the thread");
            release.countDown();
            assertNotEquals(Thread.currentThread(), queued.get(30, TimeUnit.SECONDS));
            assertTrue(inFlight.awaitIdle(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aStepHeldBeforeThePipelineIsWiredIsHandedOverOnlyAtRelease() throws Exception {
        try (Storing storing = new Storing(inFlight)) {
            Storing.Handoff handoff = storing.handoff();
            CountDownLatch ran = new CountDownLatch(1);
            handoff.hold(ran::countDown);
            assertFalse(handoff.delivered().isDone());
            assertEquals(1, ran.getCount(), "held");
            handoff.release();
            assertTrue(handoff.delivered().isDone(), "the client's part is done once the step is handed over");
            assertTrue(ran.await(30, TimeUnit.SECONDS));
            handoff.ended(new IllegalStateException("the step's own failure, after the client had its answer"));
            assertFalse(handoff.delivered().isCompletedExceptionally());
        }
    }

    @Test
    void anExchangeWithoutAStepEndsAsItsPipelineEnds() {
        try (Storing storing = new Storing(inFlight)) {
            Storing.Handoff handoff = storing.handoff();
            handoff.release();
            assertFalse(handoff.delivered().isDone());
            handoff.ended(new IllegalStateException("a 502"));
            assertTrue(handoff.delivered().isCompletedExceptionally());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
