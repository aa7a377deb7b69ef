package dev.modelcache.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test fixture cleans up after itself: a test run once left ~200 Tomcat folders in the system temp folder. */
class TestProxyCleanupTest {
    @TempDir
    Path cacheDir;

    @Test
    void closeDeletesTheTomcatFolder() throws Exception {
        Path base;
        try (TestProxy proxy = TestProxy.start("http://127.0.0.1:9", cacheDir)) {
            base = proxy.baseDir();
            assertTrue(Files.isDirectory(base), "Tomcat works in " + base);
            assertTrue(base.getFileName().toString().startsWith("modelcache-test-tomcat"));
            proxy.get("/_cache/health"); // Tomcat writes its work files
        }
        assertFalse(Files.exists(base), base + " is gone after close");
    }
}
