package dev.modelcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Model names as metric tags stay few: past the cap every new name is "other". */
class MetricsModelNamesTest {
    @Test
    void theFirstNamesPassAndLaterOnesFoldIntoOther() {
        BoundedNames names = new BoundedNames(2);
        assertEquals("gpt-4o", names.of("gpt-4o"));
        assertEquals("claude-sonnet-4", names.of("claude-sonnet-4"));
        assertEquals("other", names.of("gemini-2.5-pro"));
        assertEquals("gpt-4o", names.of("gpt-4o"), "a name seen before keeps its own tag");
    }

    @Test
    void aMissingNameIsNoneAndALongOneIsCut() {
        BoundedNames names = new BoundedNames(MetricsListener.MAX_MODELS);
        assertEquals("none", names.of(null));
        assertEquals("none", names.of(" "));
        assertEquals(BoundedNames.MAX_LENGTH, names.of("m".repeat(500)).length());
    }

    @Test
    void theCapIsAHundredModels() {
        BoundedNames names = new BoundedNames(MetricsListener.MAX_MODELS);
        for (int i = 0; i < 100; i++) {
            assertEquals("model-" + i, names.of("model-" + i));
        }
        assertEquals("other", names.of("model-100"));
    }

    /** New names from many threads at once: the cap holds exactly, and a name past it costs no lock. */
    @Test
    void theCapHoldsWhenNewNamesComeFromManyThreadsAtOnce() throws Exception {
        BoundedNames names = new BoundedNames(MetricsListener.MAX_MODELS);
        java.util.Set<String> passed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        passed.add(names.of("m-" + thread + "-" + i));
                        passed.add(names.of("shared-" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        passed.remove(BoundedNames.OTHER);
        assertEquals(MetricsListener.MAX_MODELS, passed.size(), "exactly the cap of names passed");
    }
}
