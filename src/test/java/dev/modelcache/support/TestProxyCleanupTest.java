package dev.modelcache.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test fixture cleans up after itself: a test run once left ~200 Tomcat folders in the system temp folder, then
 * ~8. What left them: a proxy that failed to start (its folder was made, then the start threw), and proxies in child
 * JVMs that crash tests kill with SIGKILL, which cannot clean up. Each case is run here as it happens in the suite.
 */
class TestProxyCleanupTest {
    @TempDir
    Path cacheDir;

    @Test
    void closeDeletesTheTomcatFolder() throws Exception {
        Path base;
        try (TestProxy proxy = TestProxy.start("http://127.0.0.1:9", cacheDir)) {
            base = proxy.baseDir();
            assertTrue(Files.isDirectory(base), "Tomcat works in " + base);
            assertEquals(TestProxy.jvmFolderPath(), base.getParent(), "in this JVM's folder");
            assertEquals(TestProxy.FOLDER_PREFIX + ProcessHandle.current().pid(), base.getParent().getFileName().toString());
            proxy.get("/_cache/health"); // Tomcat writes its work files
        }
        assertFalse(Files.exists(base), base + " is gone after close");
    }

    /** What an in-JVM launcher's Tomcat falls back on must not be a folder that is gone (it would make it again). */
    @Test
    void aClosedProxyLeavesNoTomcatSettingOnItsDeletedFolder() throws Exception {
        Path base;
        try (TestProxy proxy = TestProxy.start("http://127.0.0.1:9", cacheDir)) {
            base = proxy.baseDir();
            assertEquals(base.toString(), System.getProperty("catalina.base"), "Tomcat set it JVM-wide");
        }
        for (String property : List.of("catalina.base", "catalina.home")) {
            String value = System.getProperty(property);
            assertTrue(value == null || !value.startsWith(base.toString()), property + " is " + value + ", which is gone");
        }
    }

    @Test
    void aProxyThatFailsToStartLeavesNoFolder() throws Exception {
        List<Path> before = folders();
        Map<String, String> settings = TestProxy.settings("http://127.0.0.1:9", cacheDir);
        settings.put("server/maxThreads", "1"); // read after the folder was made: below the least allowed
        assertThrows(ConfigException.class, () -> TestProxy.start(settings));
        assertEquals(before, folders(), "the failed start deleted the folder it made");
    }

    @Test
    void aClosedProxyKeepsItsPortAndClosesTwiceQuietly() throws Exception {
        TestProxy proxy = TestProxy.start("http://127.0.0.1:9", cacheDir);
        int port = proxy.port();
        proxy.close();
        assertEquals(port, proxy.port());
        assertEquals("http://127.0.0.1:" + port + "/x", proxy.uri("/x").toString());
        proxy.close(); // twice, as a test and its fixture may
        assertFalse(Files.exists(proxy.baseDir()), proxy.baseDir() + " stays deleted");
    }

    /**
     * A child JVM whose proxy is killed with SIGKILL leaves its folder; the next JVM that starts a proxy deletes it,
     * and a JVM that exits without closing its proxy deletes its own folder as it exits.
     */
    @Test
    void theFoldersOfAKilledJvmAndOfOneThatExitedWithoutClosingAreDeleted() throws Exception {
        Process killed = child("hold");
        Path killedFolder = folderOf(killed);
        assertTrue(Files.isDirectory(killedFolder), killedFolder + " while the child runs");
        killed.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(killed.waitFor(60, TimeUnit.SECONDS));
        assertTrue(Files.isDirectory(killedFolder), "a killed JVM cannot delete " + killedFolder);

        Process exits = child("exit");
        Path exitedFolder = folderOf(exits);
        assertTrue(exits.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, exits.exitValue());
        assertFalse(Files.exists(killedFolder), "the next JVM's first proxy deleted the killed one's " + killedFolder);
        assertFalse(Files.exists(exitedFolder), "a JVM that exits deletes its own " + exitedFolder);
    }

    /** The child: starts a proxy, prints this JVM's folder, then waits to be killed ({@code hold}) or exits. */
    public static void main(String[] args) throws Exception {
        TestProxy proxy = TestProxy.start("http://127.0.0.1:9", Path.of(args[1]));
        System.out.println(proxy.baseDir().getParent());
        System.out.flush();
        if (args[0].equals("hold")) {
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }
        System.exit(0); // the proxy left open, as a test that forgot to close it
    }

    private Process child(String mode) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), TestProxyCleanupTest.class.getName(), mode,
                cacheDir.resolve(mode).toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static Path folderOf(Process child) throws IOException {
        try {
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertNotNull(line, "the child started a proxy");
            Path folder = Path.of(line.trim());
            assertEquals(TestProxy.FOLDER_PREFIX + child.pid(), folder.getFileName().toString());
            return folder;
        } catch (IOException | RuntimeException | Error e) {
            child.destroyForcibly();
            throw e;
        }
    }

    /** This JVM's proxies' folders now. */
    private static List<Path> folders() throws IOException {
        try (Stream<Path> all = Files.list(TestProxy.jvmFolderPath())) {
            return all.sorted().toList();
        }
    }
}
