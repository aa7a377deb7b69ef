package dev.modelcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelcache.ModelCache;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log's writer ({@value AccessLogWriter#THREAD}) has ended when the application's close returns, as the
 * ledger's has: Tomcat looks for threads left behind the moment an application is undeployed.
 */
class AccessLogThreadTest {
    @TempDir
    Path dir;

    @Test
    void closingModelCacheEndsTheAccessLogThread() {
        Set<Thread> before = threads();
        ModelCache app = ModelCache.start(Config.from(Settings.of(Map.of(
                "cache/dir", dir.toString(),
                "cache/diskMB", "16",
                "providers/openai/type", "openai",
                "providers/openai/baseUrl", "http://127.0.0.1:9",
                "providers/openai/models", "gpt-*",
                "shutdownDrainSeconds", "0"))), Clock.systemUTC());
        Set<Thread> mine = threads();
        mine.removeAll(before);
        assertEquals(1, mine.size(), "the access log writes on one thread of its own");
        app.close();
        for (Thread thread : mine) {
            assertFalse(thread.isAlive(), thread + " still alive after ModelCache.close()");
        }
    }

    private static Set<Thread> threads() {
        Set<Thread> named = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(AccessLogWriter.THREAD)) {
                named.add(thread);
            }
        }
        return named;
    }
}
