package dev.modelcache.deploy;

import static dev.modelcache.deploy.Deployment.post;
import static dev.modelcache.deploy.Deployment.xCache;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.support.FakeUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the README promises about {@code kill -9}: a real {@code java -jar target/modelcache.war} process stores a
 * plain and a streamed answer, is killed with SIGKILL (no shutdown hook, no Ehcache close), and a new process on
 * the same cache folder answers both as hits with the same bytes, without calling the provider.
 */
class CrashRecoveryIT {
    FakeUpstream upstream;
    Path dir;
    Process process;
    Path output;

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = Deployment.startUpstream();
        dir = Deployment.freshDir("crash");
    }

    @AfterEach
    void stopAll() throws Exception {
        try {
            if (process != null) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            upstream.close();
        }
    }

    @Test
    void answersStoredBeforeAKillDashNineAreHitsWithTheSameBytesAfterARestart() throws Exception {
        int port = Deployment.freePort();
        URI proxy = URI.create("http://127.0.0.1:" + port);
        Path cacheDir = dir.resolve("cache");

        start(port, cacheDir);
        HttpResponse<byte[]> plain = post(proxy, Deployment.CHAT, Deployment.PLAIN_REQUEST);
        HttpResponse<byte[]> streamed = post(proxy, Deployment.CHAT, Deployment.STREAM_REQUEST);
        assertEquals("MISS", xCache(plain));
        assertEquals("MISS", xCache(streamed));
        awaitWrites(proxy, 2);
        int calls = upstream.calls();

        Process killed = process;
        process = null;
        killed.destroyForcibly(); // SIGKILL: nothing runs on the way down
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS), "the process died");
        assertEquals(137, killed.exitValue(), "killed by SIGKILL");

        start(port, cacheDir);
        HttpResponse<byte[]> plainAgain = post(proxy, Deployment.CHAT, Deployment.PLAIN_REQUEST);
        HttpResponse<byte[]> streamedAgain = post(proxy, Deployment.CHAT, Deployment.STREAM_REQUEST);
        assertEquals("HIT", xCache(plainAgain), this::output);
        assertEquals("HIT", xCache(streamedAgain), this::output);
        assertArrayEquals(plain.body(), plainAgain.body());
        assertArrayEquals(streamed.body(), streamedAgain.body());
        assertTrue(streamedAgain.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(calls, upstream.calls(), "no provider call after the restart");
    }

    /** Answers are stored just after the client has them; wait until both are (a wait, not a timed assertion). */
    private void awaitWrites(URI proxy, int writes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long seen = 0;
        while (System.nanoTime() < deadline) {
            JsonNode stats = Deployment.JSON.readTree(Deployment.get(proxy, "/_cache/stats").body());
            seen = stats.at("/store/writes").asLong();
            if (seen >= writes) {
                return;
            }
            Thread.sleep(50);
        }
        assertEquals(writes, seen, "answers stored before the kill:\n" + output());
    }

    private void start(int port, Path cacheDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path workingDir = Files.createDirectories(dir.resolve("cwd"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        output = Files.createTempFile(dir, "output-", ".log");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-Djava.io.tmpdir=" + tmp.toAbsolutePath(),
                "-jar", Deployment.war().toAbsolutePath().toString())
                .directory(workingDir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        Deployment.clearModelCacheVariables(builder.environment());
        builder.environment().put("MODELCACHE_PORT", String.valueOf(port));
        builder.environment().put("MODELCACHE_PROVIDERS_OPENAI_BASEURL", upstream.baseUrl());
        builder.environment().put("MODELCACHE_CACHE_DIR", cacheDir.toAbsolutePath().toString());
        process = builder.start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        Deployment.awaitHealthy(URI.create("http://127.0.0.1:" + port), ExecutableWarIT.STARTUP, process::isAlive, this::output);
    }

    private String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
