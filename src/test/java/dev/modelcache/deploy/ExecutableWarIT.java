package dev.modelcache.deploy;

import static dev.modelcache.deploy.Deployment.assertCachesPlainAndStreamedAnswers;
import static dev.modelcache.deploy.Deployment.assertHealthy;
import static dev.modelcache.deploy.Deployment.post;
import static dev.modelcache.deploy.Deployment.xCache;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelcache.launcher.LauncherServerTest;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.RawClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code java -jar target/modelcache.war}, Jenkins style, as its own process started from an empty folder: the
 * port from {@code MODELCACHE_PORT}, the provider pointed at a fake upstream by
 * {@code MODELCACHE_PROVIDERS_OPENAI_BASEURL}, everything else from the context file packed in the WAR. Also
 * checks the WAR's layout: the same file must deploy unchanged into a container.
 */
class ExecutableWarIT {
    @RegisterExtension
    final WarRuns runs = new WarRuns("java-jar");
    Process process;

    @Test
    void theWarDeploysAsIsAndCarriesItsLauncherOutsideWebInfLib() throws IOException {
        try (JarFile war = new JarFile(Deployment.war().toFile())) {
            assertEquals("dev.modelcache.launcher.WarMain", war.getManifest().getMainAttributes().getValue("Main-Class"));
            assertNotNull(war.getEntry("dev/modelcache/launcher/WarMain.class"), "WarMain at the root, where java -jar finds it");
            assertNotNull(war.getEntry("WEB-INF/launcher/context.xml"), "the default context file is packed");
            assertNotNull(war.getEntry("WEB-INF/web.xml"));
            List<String> names = war.stream().map(JarEntry::getName).toList();
            assertTrue(names.stream().anyMatch(n -> n.matches("WEB-INF/launcher/tomcat-embed-core-.*\\.jar")), "Tomcat for the launcher");
            assertFalse(names.stream().anyMatch(n -> n.startsWith("WEB-INF/lib/tomcat-")),
                    "no Tomcat in WEB-INF/lib, where it would clash with the container's");
            assertFalse(names.stream().anyMatch(n -> n.startsWith("WEB-INF/lib/") && n.contains("servlet-api")),
                    "no servlet API in WEB-INF/lib");
            assertFalse(names.stream().anyMatch(n -> n.startsWith("META-INF/context.xml") || n.startsWith("WEB-INF/jetty-env.xml")),
                    "no container configuration inside the WAR: the operator's files decide");
        }
    }

    @Test
    void runsWithJavaJarAndKeepsItsCacheAcrossRestarts() throws Exception {
        int port = Deployment.freePort();
        URI proxy = URI.create("http://127.0.0.1:" + port);
        Path cacheDir = runs.dir().resolve("cache");
        Path tmp = Files.createDirectories(runs.dir().resolve("tmp"));

        start(port, cacheDir, tmp);
        assertHealthy(proxy);
        assertCachesPlainAndStreamedAnswers(proxy, runs.upstream());
        List<String> unpacked = list(tmp);
        assertTrue(unpacked.stream().anyMatch(n -> n.startsWith("modelcache-war-")), "the WAR is unpacked in java.io.tmpdir: " + unpacked);
        assertTrue(runs.output().contains("ModelCache listening on http://localhost:" + port), runs.output());
        assertTrue(runs.output().contains("; cache folder " + cacheDir.toAbsolutePath() + ";"), "the start banner: " + runs.output());
        assertTrue(runs.output().contains("Dashboard: http://localhost:"), runs.output());
        assertTrue(runs.output().contains("this machine only (host 127.0.0.1)"), runs.output());
        try (RawClient client = new RawClient(port)) {
            // An error Tomcat raises before the application: the error shape, no server version.
            LauncherServerTest.assertErrorShape(400, client.send("GET /v1/models%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readAnswer());
        }

        stop();
        assertEquals(List.of(), list(tmp), "the unpacked WAR and Tomcat's folder are deleted on the way out");

        // The cache was written out on the way down: the next process answers from it.
        int callsBefore = runs.upstream().calls();
        start(port, cacheDir, tmp);
        assertEquals("HIT", xCache(post(proxy, Deployment.CHAT, Deployment.PLAIN_REQUEST)));
        assertEquals("HIT", xCache(post(proxy, Deployment.CHAT, Deployment.STREAM_REQUEST)));
        assertEquals(callsBefore, runs.upstream().calls(), "answered from the cache a previous process wrote");
    }

    @Test
    void sigtermLetsAStreamInFlightFinishStoresItAndLogsTheStop() throws Exception {
        int port = Deployment.freePort();
        URI proxy = URI.create("http://127.0.0.1:" + port);
        Path cacheDir = runs.dir().resolve("cache");
        Path tmp = Files.createDirectories(runs.dir().resolve("tmp"));
        CountDownLatch release = new CountDownLatch(1);
        runs.upstream().handler(r -> FakeUpstream.Reply.sse(Deployment.EVENTS).gateBefore(2, release));
        start(port, cacheDir, tmp);

        HttpRequest request = HttpRequest.newBuilder(URI.create(proxy + Deployment.CHAT)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-deployment-test")
                .POST(HttpRequest.BodyPublishers.ofString(Deployment.STREAM_REQUEST)).build();
        HttpResponse<InputStream> stream = Deployment.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("MISS", xCache(stream));
        InputStream body = stream.body();
        byte[] firstTwo = body.readNBytes((Deployment.EVENTS.get(0) + Deployment.EVENTS.get(1)).getBytes(StandardCharsets.UTF_8).length);
        assertEquals(Deployment.EVENTS.get(0) + Deployment.EVENTS.get(1), new String(firstTwo, StandardCharsets.UTF_8));

        Process stopping = process;
        process = null;
        stopping.destroy(); // SIGTERM while the provider holds the stream mid-way
        awaitOutput("ModelCache stopping", stopping);
        // Hold the stream past Tomcat's default unload delay (2 s), after which a stop used to cut it: not a timed
        // assertion, the proxy must simply still be waiting for it when the provider goes on.
        Thread.sleep(4000);
        release.countDown();
        String rest = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(String.join("", Deployment.EVENTS), new String(firstTwo, StandardCharsets.UTF_8) + rest,
                "the client gets the whole stream");
        if (!stopping.waitFor(60, TimeUnit.SECONDS)) {
            stopping.destroyForcibly();
            fail("java -jar did not stop after its stream ended:\n" + runs.output());
        }
        assertTrue(runs.output().contains("ModelCache stopped; the cache is written to " + cacheDir.toAbsolutePath()), runs.output());
        assertEquals(List.of(), list(tmp), "the temporary folders are deleted");

        int callsBefore = runs.upstream().calls();
        start(port, cacheDir, tmp);
        HttpResponse<byte[]> again = post(proxy, Deployment.CHAT, Deployment.STREAM_REQUEST);
        assertEquals("HIT", xCache(again), "the drained stream was stored");
        assertEquals(String.join("", Deployment.EVENTS), Deployment.text(again));
        assertEquals(callsBefore, runs.upstream().calls());
    }

    private void awaitOutput(String text, Process running) throws InterruptedException {
        for (int i = 0; i < 300 && !runs.output().contains(text); i++) {
            if (!running.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(runs.output().contains(text), "no '" + text + "' in the output:\n" + runs.output());
    }

    private void start(int port, Path cacheDir, Path tmp) throws Exception {
        process = runs.serve(port, cacheDir, tmp);
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            Process stopping = process;
            process = null;
            runs.stop(stopping);
        }
    }

    private static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
