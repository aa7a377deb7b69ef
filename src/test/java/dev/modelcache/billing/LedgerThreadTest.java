package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.ModelCache;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.files.FlushedFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost ledger's writing thread ({@code modelcache-ledger}) has ended when the application's close returns: Tomcat
 * checks for threads the moment an application is undeployed, and once warned of this one as a leak.
 */
class LedgerThreadTest {
    @TempDir
    Path dir;

    @Test
    void closingModelCacheEndsTheLedgerThread() throws Exception {
        Set<Thread> before = threads("modelcache-ledger");
        ModelCache app = ModelCache.start(Config.from(Settings.of(Map.of(
                "cache/dir", dir.toString(),
                "cache/diskMB", "16",
                "providers/openai/type", "openai",
                "providers/openai/baseUrl", "http://127.0.0.1:9",
                "providers/openai/models", "gpt-*",
                "shutdownDrainSeconds", "0"))), Clock.systemUTC());
        Set<Thread> mine = threads("modelcache-ledger");
        mine.removeAll(before);
        assertEquals(1, mine.size(), "the ledger runs on one thread of its own");
        app.close();
        for (Thread thread : mine) {
            assertFalse(thread.isAlive(), thread + " still alive after ModelCache.close()");
        }
    }

    /** An executor reports itself terminated a moment before its thread ends: close waits for the thread itself. */
    @Test
    void closingAFlushedFileEndsItsThreadEveryTime() throws Exception {
        for (int i = 0; i < 300; i++) {
            String name = "flush-test-" + i;
            FlushedFile file = new FlushedFile(dir.resolve(name + ".json"), name, "a test file", () -> new byte[0]);
            Set<Thread> started = threads("modelcache-" + name);
            assertTrue(started.size() <= 1);
            file.close();
            for (Thread thread : started) {
                assertFalse(thread.isAlive(), "round " + i + ": " + thread + " still alive after close()");
            }
        }
    }

    private static Set<Thread> threads(String name) {
        Set<Thread> named = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name)) {
                named.add(thread);
            }
        }
        return named;
    }
}
