package dev.modelcache.deploy;

import static dev.modelcache.deploy.Deployment.post;
import static dev.modelcache.deploy.Deployment.xCache;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the README promises about {@code kill -9}: a real {@code java -jar target/modelcache.war} process stores a
 * plain and a streamed answer, is killed with SIGKILL (no shutdown hook, no Ehcache close), and a new process on
 * the same cache folder answers both as hits with the same bytes, without calling the provider.
 */
class CrashRecoveryIT {
    @RegisterExtension
    final WarRuns runs = new WarRuns("crash");

    @Test
    void answersStoredBeforeAKillDashNineAreHitsWithTheSameBytesAfterARestart() throws Exception {
        int port = Deployment.freePort();
        URI proxy = URI.create("http://127.0.0.1:" + port);
        Path cacheDir = runs.dir().resolve("cache");
        Path tmp = Files.createDirectories(runs.dir().resolve("tmp"));

        Process killed = runs.serve(port, cacheDir, tmp);
        HttpResponse<byte[]> plain = post(proxy, Deployment.CHAT, Deployment.PLAIN_REQUEST);
        HttpResponse<byte[]> streamed = post(proxy, Deployment.CHAT, Deployment.STREAM_REQUEST);
        assertEquals("MISS", xCache(plain));
        assertEquals("MISS", xCache(streamed));
        awaitWrites(proxy, 2);
        int calls = runs.upstream().calls();

        killed.destroyForcibly(); // SIGKILL: nothing runs on the way down
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS), "the process died");
        assertEquals(137, killed.exitValue(), "killed by SIGKILL");

        runs.serve(port, cacheDir, tmp);
        HttpResponse<byte[]> plainAgain = post(proxy, Deployment.CHAT, Deployment.PLAIN_REQUEST);
        HttpResponse<byte[]> streamedAgain = post(proxy, Deployment.CHAT, Deployment.STREAM_REQUEST);
        assertEquals("HIT", xCache(plainAgain), runs::output);
        assertEquals("HIT", xCache(streamedAgain), runs::output);
        assertArrayEquals(plain.body(), plainAgain.body());
        assertArrayEquals(streamed.body(), streamedAgain.body());
        assertTrue(streamedAgain.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(calls, runs.upstream().calls(), "no provider call after the restart");
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
        assertEquals(writes, seen, "answers stored before the kill:\n" + runs.output());
    }
}
