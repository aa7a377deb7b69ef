package dev.modelcache.deploy;

import static dev.modelcache.deploy.Deployment.assertCachesPlainAndStreamedAnswers;
import static dev.modelcache.deploy.Deployment.assertHealthy;
import static dev.modelcache.deploy.Deployment.get;
import static dev.modelcache.deploy.Deployment.replaceOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelcache.support.FakeUpstream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR in a real Tomcat: the distribution {@code org.apache.tomcat:tomcat:tar.gz} that the build unpacks into
 * {@code target/it-tomcat/}, started as its own process ({@code Bootstrap start}, as {@code catalina.sh run} does)
 * on a fresh CATALINA_BASE under {@code target/it/}, with server.xml patched to a free port and no shutdown port
 * (stopped with SIGTERM, which runs Catalina's shutdown hook), and catalina.properties told to skip TLD scanning.
 * Two deployments of the same WAR, each through a context file in {@code conf/Catalina/localhost/} derived from
 * {@code webapp-config/context.xml}:
 * <ul>
 *   <li>{@code /modelcache}: {@code webapps/modelcache.war}, the provider's baseUrl pointed at a fake upstream,
 *       the cache in target/, plus an admin token (a key web.xml declares that context.xml leaves out);</li>
 *   <li>{@code /broken}: the same but {@code cache/heapEntries = "lots"}: the application must refuse to start
 *       and say which key is wrong.</li>
 * </ul>
 */
class TomcatDeploymentIT {
    static final Duration STARTUP = Duration.ofSeconds(60);

    static FakeUpstream upstream;
    static Path base;
    static Path processLog;
    static Process tomcat;
    static URI modelcache;
    static URI broken;

    @BeforeAll
    static void startTomcat() throws Exception {
        Path home = Path.of(Deployment.required("modelcache.it.tomcatHome"));
        assertTrue(Files.isRegularFile(home.resolve("bin/bootstrap.jar")),
                "no Tomcat distribution at " + home + " (maven-dependency-plugin unpacks it in pre-integration-test)");
        upstream = Deployment.startUpstream();
        base = Deployment.freshDir("tomcat");
        int port = Deployment.freePort();

        // A CATALINA_BASE of our own: the distribution's conf/, a patched server.xml, empty webapps/.
        for (String dir : List.of("conf/Catalina/localhost", "logs", "temp", "webapps", "work", "cache-ok")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> files = Files.list(home.resolve("conf"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
            }
        }
        String serverXml = Files.readString(base.resolve("conf/server.xml"));
        serverXml = replaceOnce(serverXml, "<Server port=\"8005\"", "<Server port=\"-1\"");
        serverXml = replaceOnce(serverXml, "<Connector port=\"8080\" protocol=\"HTTP/1.1\"",
                "<Connector port=\"" + port + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
        // The native library is no concern of this test (an old one on the machine only logs a SEVERE line).
        serverXml = replaceOnce(serverXml, "<Listener className=\"org.apache.catalina.core.AprLifecycleListener\" />", "");
        Files.writeString(base.resolve("conf/server.xml"), serverXml);
        // ModelCache has no JSPs and no TLDs: skip scanning its jars for them (docs/DEPLOYMENT.md suggests the same).
        Files.writeString(base.resolve("conf/catalina.properties"),
                "\ntomcat.util.scan.StandardJarScanFilter.jarsToSkip=*.jar\n", StandardOpenOption.APPEND);

        Path war = Deployment.war();
        Files.copy(war, base.resolve("webapps/modelcache.war"), StandardCopyOption.REPLACE_EXISTING);
        String context = Files.readString(Deployment.webappConfig("context.xml"));
        String good = pointAtTestUpstream(context, base.resolve("cache-ok"));
        good = replaceOnce(good, "</Context>",
                "  <Environment name=\"modelcache/admin/token\" value=\"it-admin-token\" type=\"java.lang.String\" override=\"false\"/>\n</Context>");
        Files.writeString(base.resolve("conf/Catalina/localhost/modelcache.xml"), good);
        // The same WAR a second time, from outside appBase, with one bad value.
        String bad = pointAtTestUpstream(context, base.resolve("cache-broken"));
        bad = replaceOnce(bad, "name=\"modelcache/cache/heapEntries\" value=\"1000\"", "name=\"modelcache/cache/heapEntries\" value=\"lots\"");
        bad = replaceOnce(bad, "<Context unloadDelay=", "<Context docBase=\"" + war.toAbsolutePath() + "\" unloadDelay=");
        Files.writeString(base.resolve("conf/Catalina/localhost/broken.xml"), bad);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Xmx256m",
                "-Dcatalina.home=" + home.toAbsolutePath(),
                "-Dcatalina.base=" + base.toAbsolutePath(),
                "-Djava.io.tmpdir=" + base.resolve("temp").toAbsolutePath(),
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties").toAbsolutePath(),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                // What catalina.sh adds on Java 9+, so that Tomcat's leak prevention works without warnings.
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-cp", home.resolve("bin/bootstrap.jar") + File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        processLog = base.resolve("logs/process-output.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(base.toFile())
                .redirectErrorStream(true).redirectOutput(processLog.toFile());
        Deployment.clearModelCacheVariables(builder.environment());
        tomcat = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> tomcat.destroyForcibly()));

        modelcache = URI.create("http://127.0.0.1:" + port + "/modelcache");
        broken = URI.create("http://127.0.0.1:" + port + "/broken");
        Deployment.awaitHealthy(modelcache, STARTUP, tomcat::isAlive, TomcatDeploymentIT::logs);
        // Contexts deploy one after the other: wait for the end of startup so that /broken has been tried too.
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (!logs().contains("Server startup in")) {
            if (System.nanoTime() > deadline || !tomcat.isAlive()) {
                fail("Tomcat did not finish starting:\n" + logs());
            }
            Thread.sleep(100);
        }
    }

    private static String pointAtTestUpstream(String context, Path cacheDir) {
        String derived = replaceOnce(context, "value=\"https://api.openai.com\"", "value=\"" + upstream.baseUrl() + "\"");
        return replaceOnce(derived, "name=\"modelcache/cache/dir\" value=\"\"", "name=\"modelcache/cache/dir\" value=\"" + cacheDir.toAbsolutePath() + "\"");
    }

    @AfterAll
    static void stopTomcat() throws Exception {
        try {
            if (tomcat != null) {
                tomcat.destroy(); // SIGTERM: Catalina's shutdown hook stops the contexts, ModelCache writes its cache
                if (!tomcat.waitFor(30, TimeUnit.SECONDS)) {
                    tomcat.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    fail("Tomcat did not stop within 30 s of SIGTERM:\n" + logs());
                }
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    /** Tomcat's console output and every log file in CATALINA_BASE/logs. */
    static String logs() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            for (Path file : files.sorted().toList()) {
                all.append("==> ").append(file.getFileName()).append(" <==\n")
                        .append(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }

    @Test
    void servesTheWarWithTheContextFilesConfiguration() throws Exception {
        assertHealthy(modelcache);
        assertCachesPlainAndStreamedAnswers(modelcache, upstream);
        assertTrue(Files.isDirectory(base.resolve("cache-ok/ehcache")), "the cache is where the context file says");
    }

    @Test
    void anEntryOnlyWebXmlDeclaresIsTakenFromTheContextFile() throws Exception {
        assertEquals(401, get(modelcache, "/_cache/stats").statusCode(), "admin/token from the context file guards stats");
        assertEquals(200, get(modelcache, "/_cache/stats", "Authorization", "Bearer it-admin-token").statusCode());
    }

    @Test
    void aBadJndiValueKeepsTheApplicationFromStarting() throws Exception {
        assertEquals(404, get(broken, "/_cache/health").statusCode(), "a context that failed to start is not served");
        String logs = logs();
        assertTrue(logs.contains("modelcache configuration key 'cache/heapEntries': 'lots' is not a whole number"),
                "the log names the key and the value:\n" + logs);
        assertTrue(logs.contains("java:comp/env/modelcache/cache/heapEntries"), "the log says where to set it:\n" + logs);
        assertTrue(Files.notExists(base.resolve("cache-broken")), "the broken application never opened its cache");
    }
}
